// Executor: the one interface through which the engine runs tasks, whatever
// runs them (local processes now; AWS Batch and slurm later). The engine
// prepares the work dir, Submit()s, then drives completion from its
// single-threaded loop with Poll(); AbortAll() stops everything on Ctrl-C or
// a fatal task failure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "util/status.h"

namespace ferry {

// One attempt of one task, as handed to an executor.
struct TaskRun {
  uint64_t id = 0;          // engine's task id, unique within the run
  std::string name;         // display name, e.g. "count (3)"
  std::string work_dir;     // absolute; the engine has written .command.sh and .command.run there
  int cpus = 1;
  int64_t memory_bytes = 0;   // 0 = not set
  int64_t time_limit_ms = 0;  // 0 = none
  std::string container, queue;
  int accelerators = 0;
  std::vector<std::pair<std::string, std::string>> env;  // added to the task's environment
};

// How one submitted TaskRun ended.
struct TaskResult {
  uint64_t id = 0;
  enum class Outcome { kExited, kTimedOut, kSubmitFailed, kAborted } outcome = Outcome::kExited;
  int exit_code = -1;       // from <work_dir>/.exitcode when present, else from the wait status (128+signal)
  std::string native_id;    // pid for local, job id for Batch
  int64_t submit_ms = 0, start_ms = 0, end_ms = 0;  // epoch millis
  std::string message;      // why, for non-kExited outcomes (e.g. "exceeded time limit of 1m")
  int spot_retries = 0;     // Batch host terminations retried (0 for local)
};

class Executor {
 public:
  virtual ~Executor() = default;
  virtual const char* name() const = 0;  // "local", "awsbatch"
  // Non-blocking. An error Status means the request itself is unusable (e.g.
  // no work dir, id already running); a task that cannot be started is
  // reported by the next Poll() as kSubmitFailed with the reason.
  virtual Status Submit(const TaskRun& run) = 0;
  // Waits up to timeout_ms for task completions and appends them. Returns early
  // (possibly with nothing) when InterruptFd() becomes readable. Never blocks longer.
  virtual Status Poll(int timeout_ms, std::vector<TaskResult>* finished) = 0;
  // Submitted tasks whose results Poll()/AbortAll() has not handed out yet.
  virtual size_t running() const = 0;
  // Stops every running task: SIGTERM to its process group, SIGKILL after grace_ms;
  // waits for them and appends a kAborted result for each.
  virtual void AbortAll(int grace_ms, std::vector<TaskResult>* aborted) = 0;
};

}  // namespace ferry
