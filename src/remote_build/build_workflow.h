// BuildWorkflow: which command `ferry build` runs in a build directory and
// how the requested CPUs and memory reach it. The directory says what it is
// (pipeline.yml -> ferry run, Snakefile -> snakemake, Makefile -> make) unless
// --exec names the command. The same argv runs locally (--local) and inside
// the Batch job, so both produce the same files. Pure apart from looking at
// which files exist.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "util/status.h"

namespace ferry::remote_build {

enum class WorkflowKind { kFerry, kSnakemake, kMake, kExec };

const char* WorkflowKindName(WorkflowKind kind);  // "ferry run", "snakemake", "make", "--exec"

// Finds the workflow in `dir` (first of pipeline.yml, Snakefile, Makefile).
// When `exec` is non-empty it wins. NotFound-style Invalid when none.
Status DetectWorkflow(const std::string& dir, const std::string& exec, WorkflowKind* kind);

struct WorkflowRequest {
  WorkflowKind kind = WorkflowKind::kMake;
  std::string exec;                    // the --exec command line (kExec)
  std::string ferry_program;           // how to call ferry (kFerry)
  std::vector<std::string> user_args;  // after `--`
  int cpus = 0;                        // 0: not requested
  int64_t memory_mib = 0;              // 0: not requested
};

// The argv to run in the build directory. `warnings` gets a line for each
// request the user's own arguments already decide (e.g. -j given twice).
std::vector<std::string> WorkflowCommand(const WorkflowRequest& request, std::vector<std::string>* warnings);

}  // namespace ferry::remote_build
