// `ferry kill RUN`: ends the AWS Batch and Slurm jobs a run left active (its
// ferry was killed, or lost its machine) and waits until Batch reports them
// ended and squeue no longer lists them as queued or running (scancel).
// The jobs are the run's rows in the job journal (store/job_journal.h) with
// no recorded end, found by job id and, for a submission whose answer was
// never recorded, by job name (awsbatch/job_lookup.h). Batch is reached
// with the AWS settings `ferry run` would use for the run's pipeline.
// `ferry clean` calls KillRunJobs before it removes a run's work dirs, so no
// job writes into a work dir that is gone.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "store/history.h"
#include "util/status.h"

namespace ferry {

struct KillOptions {
  std::vector<std::string> configs;   // -c files for the AWS settings
  std::vector<std::string> profiles;  // -profile names for them
  int64_t wait_ms = 300000;           // how long to wait for Batch to confirm
  int64_t poll_ms = 500;              // between DescribeJobs calls while waiting
  std::FILE* out = stdout;            // one line per job, then a total
  bool say_none = true;               // a line when there is nothing to end
};

// The run recorded as `name` (a name, an id or "last"); Invalid naming the
// known runs when there is none.
Status FindNamedRun(History& history, const std::string& name, RunRecord* out);

// Terminates the active jobs of `run` (journal in the history's directory)
// and waits for them to end. Ok when none is left active; Failed when some
// did not end in time or Batch could not be asked; Invalid when AWS cannot
// be set up.
Status KillRunJobs(History& history, const RunRecord& run, const KillOptions& options);

}  // namespace ferry
