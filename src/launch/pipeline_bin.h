// The pipeline's bin/: a directory beside pipeline.yml whose scripts every
// task can call by name. It is put first on the tasks' PATH locally (the
// wrapper; local containers mount it), on Slurm (the same wrapper) and on
// Batch (staged once per run under the work root, fetched by each job).
// Its digest (every file's name, mode and contents) is part of each task's
// identity, so -resume re-runs the tasks after a script there changes.
#pragma once

#include <string>

#include "util/status.h"

namespace ferry {

struct PipelineBin {
  std::string dir;     // absolute; "" when the pipeline has no bin/
  std::string digest;  // hex; "" when there is no bin/
};

// Reads `pipeline_dir`/bin. No bin/: Ok with an empty *out. Invalid (exit 2)
// when bin is not a directory or a file directly in it is not executable
// (a task would fail later with "Permission denied"), naming the chmod that
// fixes it.
Status ReadPipelineBin(const std::string& pipeline_dir, PipelineBin* out);

}  // namespace ferry
