// LocalExecutor: runs each task as `/bin/bash .command.run` in its work dir,
// as a child process in its own process group (so Ctrl-C at the terminal
// reaches only ferry, which then stops tasks deliberately, and a task's
// whole process tree can be signalled at once).
//
// Completion is detected without a thread per task: a SIGCHLD self-pipe wakes
// poll(), then children are reaped with waitpid(WNOHANG). Only this
// executor's own children are ever reaped, so other code in the process may
// run and wait for its own subprocesses. Everything runs on the caller's
// thread; the class is not thread-safe.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "executor/executor.h"

namespace ferry {

class LocalExecutor : public Executor {
 public:
  LocalExecutor();
  // Kills (SIGKILL to the group) and reaps any task still running, so no
  // process outlives the run and no zombie is left behind.
  ~LocalExecutor() override;
  LocalExecutor(const LocalExecutor&) = delete;
  LocalExecutor& operator=(const LocalExecutor&) = delete;

  const char* name() const override { return "local"; }
  // Spawns the task at once. The child's own stdout/stderr (not the task's:
  // the wrapper redirects those) go to <work_dir>/.command.log, so a
  // wrapper that dies early still leaves a trace. A stale .exitcode is removed
  // first so it cannot be mistaken for this attempt's.
  Status Submit(const TaskRun& run) override;
  // Returns as soon as at least one task finished, when a new interrupt
  // arrived (it drains InterruptFd(); callers read InterruptCount()), when
  // timeout_ms passed, or at once when nothing is running or pending.
  // Time limits are enforced here: TERM to the group at the limit, KILL
  // timeout_kill_grace_ms later.
  Status Poll(int timeout_ms, std::vector<TaskResult>* finished) override;
  // Tasks submitted whose results Poll()/AbortAll() has not handed out yet,
  // including a failed start waiting to be reported: while it is non-zero
  // the caller must keep polling.
  size_t running() const override { return running_.size() + done_.size(); }
  // Results that finished before the call keep their outcome; every task
  // still running is reported kAborted. A new interrupt during the grace
  // period skips the rest of it (second Ctrl-C = kill now).
  void AbortAll(int grace_ms, std::vector<TaskResult>* aborted) override;

  // Grace between TERM and KILL for a task over its time limit (default 5 s).
  void set_timeout_kill_grace_ms(int ms) { timeout_kill_grace_ms_ = ms; }

 private:
  struct Running {
    uint64_t id = 0;
    std::string work_dir;
    int64_t time_limit_ms = 0;
    int64_t submit_ms = 0, start_ms = 0;
    int64_t timer_at = 0;  // steady-clock ms of the pending timer, 0 = none
    bool timed_out = false;
    bool aborting = false;
  };

  void ReapSome();                     // reaps whichever of our children exited
  void ScanOwnChildren();              // waitpid(WNOHANG) on each of ours
  void Finish(pid_t pid, int wait_status);
  void FireTimers(int64_t now_steady_ms);
  void SetTimer(pid_t pid, Running* r, int64_t at);

  std::unordered_map<pid_t, Running> running_;
  std::unordered_set<uint64_t> running_ids_;
  std::set<std::pair<int64_t, pid_t>> timers_;  // (steady ms, pid), earliest first
  std::vector<TaskResult> done_;                // finished, not yet handed out
  uint64_t seen_child_events_ = 0;
  int seen_interrupts_ = 0;
  int timeout_kill_grace_ms_ = 5000;
};

}  // namespace ferry
