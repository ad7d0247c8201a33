// CommandRunner: how the slurm executor runs Slurm's client commands (sbatch,
// squeue, scancel, sinfo). An interface so the executor's decisions are
// unit-tested with a fake that answers from captured outputs; the real one
// runs the program found on PATH and collects its output.
#pragma once

#include <string>
#include <vector>

#include "util/status.h"

namespace ferry::slurm {

struct CommandOutput {
  int exit_code = -1;  // 128+N when the command was killed by signal N
  std::string out, err;
};

class CommandRunner {
 public:
  virtual ~CommandRunner() = default;
  // Runs argv (argv[0] looked up on PATH) with `input` on its stdin and
  // waits for it. A command that ran and failed is Ok with its exit code;
  // a command that could not be started is NotFound (no such program) or
  // Failed (anything else), with a message naming it.
  virtual Status Run(const std::vector<std::string>& argv, const std::string& input, CommandOutput* out) = 0;
  // How many commands Run() started, for the overhead benchmark.
  virtual long commands_run() const = 0;
};

// Runs commands as child processes; their stdout and stderr are captured
// separately. Each command gets at most timeout_ms (then SIGKILL): a hung
// slurmctld must not hang ferry.
class ProcessCommandRunner : public CommandRunner {
 public:
  explicit ProcessCommandRunner(int timeout_ms = 120000) : timeout_ms_(timeout_ms) {}
  Status Run(const std::vector<std::string>& argv, const std::string& input, CommandOutput* out) override;
  long commands_run() const override { return count_; }

 private:
  int timeout_ms_;
  long count_ = 0;
};

}  // namespace ferry::slurm
