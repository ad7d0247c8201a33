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

#include "events/task_usage.h"
#include "util/status.h"

namespace ferry {

// One attempt of one task, as handed to an executor.
// An output known only once the task has ended (pipeline.h OutputDecl): the
// files matching a pattern, or a file that may be missing. Executors that
// upload outputs themselves (awsbatch) look for these in the job and list
// what they found in the work dir's .command.found.
struct LateOutput {
  std::string name;  // the output's name
  std::string path;  // the pattern, or the optional file, relative to the work dir
  bool pattern = false;
};

struct TaskRun {
  uint64_t id = 0;       // engine's task id, unique within the run
  std::string name;      // display name, e.g. "count (3)"
  std::string work_dir;  // absolute; the engine has written .command.sh and .command.run there
  int cpus = 1;
  int64_t memory_bytes = 0;   // 0 = not set
  int64_t time_limit_ms = 0;  // 0 = none
  std::string container, queue;
  int accelerators = 0;
  int64_t disk_bytes = 0;  // 0 = not set
  // resourceLabels: tags for the task's job (awsbatch), in key order.
  std::vector<std::pair<std::string, std::string>> resource_labels;
  std::string cluster_options;  // clusterOptions: words a cluster executor passes to its submit command
  std::vector<std::pair<std::string, std::string>> env;  // added to the task's environment

  // What executors that build the work dir themselves need (awsbatch, whose
  // work dir is an s3:// URL: the engine writes nothing there). The local
  // executor ignores these: the engine has already written the dir.
  std::string process;  // the task's spec name, e.g. "count"
  std::string script;   // contents of .command.sh
  // Inputs to stage: source is an absolute local path or an s3:// URL; name
  // is where the task sees it, relative to its work dir.
  std::vector<std::pair<std::string, std::string>> inputs;
  std::vector<std::string> outputs;  // required outputs, relative to the work dir (files or dirs)
  std::vector<LateOutput> late_outputs;
  // Tasks of one for_each with the `array` directive share a non-empty key;
  // the executor may submit up to array_size of them as one array job.
  std::string array_key;
  int array_size = 0;
  // The task's identity hash and attempt number (1 = first): what a journal
  // of submitted jobs keys them by, so a later run can find them again.
  std::string hash;
  int attempt = 1;
};

// How one submitted TaskRun ended.
struct TaskResult {
  uint64_t id = 0;
  enum class Outcome { kExited, kTimedOut, kSubmitFailed, kAborted } outcome = Outcome::kExited;
  int exit_code = -1;     // from <work_dir>/.exitcode when present, else from the wait status (128+signal)
  std::string native_id;  // pid for local, job id for Batch
  int64_t submit_ms = 0, start_ms = 0, end_ms = 0;  // epoch millis
  std::string message;                              // why, for non-kExited outcomes (e.g. "exceeded time limit of 1m")
  int spot_retries = 0;                             // Batch host terminations retried (0 for local)
  TaskUsage usage;                                  // what it used, as far as the executor measured it
};

class Executor {
 public:
  virtual ~Executor() = default;
  virtual const char* name() const = 0;  // "local", "awsbatch", "slurm"
  // Called once before anything runs with every first attempt this executor
  // will be given (inputs/outputs/script may be empty: only the settings
  // matter). Checks what can be checked up front (e.g. that queues and job
  // definitions exist, credentials resolve, the work bucket is writable), so a
  // misconfigured run fails before its first task, with a message saying
  // what to fix. Invalid status = the user's settings are wrong (exit 2).
  virtual Status Preflight(const std::vector<TaskRun>& planned) {
    (void)planned;
    return Status::Ok();
  }
  // Non-blocking. An error Status means the request itself is unusable (e.g.
  // no work dir, id already running); a task that cannot be started is
  // reported by the next Poll() as kSubmitFailed with the reason.
  virtual Status Submit(const TaskRun& run) = 0;
  // Whether the first attempt of the task with this hash and work dir will
  // be watched on a job an earlier, killed run left running (-resume's
  // adoption) instead of being started: the engine then leaves its work
  // dir, which that job is writing, as it is.
  virtual bool WillAdopt(const std::string& hash, const std::string& work_dir) const {
    (void)hash;
    (void)work_dir;
    return false;
  }
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
