// LocalExecutor: runs each task's .command.run with bash in its work dir, in
// a process group of its own (so Ctrl-C at the terminal reaches only ferry,
// which then stops tasks deliberately, and a task's whole process tree can
// be signalled at once).
//
// Two ways to start a task, with the same result for the task:
//  - through a ShellZygote (shell_zygote.h): an idle long-lived bash forks a
//    subshell that sources .command.run. Much cheaper than a new bash per
//    task; zygotes are started on demand, one per concurrently running task,
//    and kept for the next ones (one set per distinct task environment);
//    A script that mentions $$ (which would be the zygote's pid in a
//    subshell) is exec'ed as `/bin/bash .command.run` by the zygote's fork;
//  - `/bin/bash .command.run` as a direct child (posix_spawn), whenever no
//    zygote can be had (or FERRY_LOCAL_ZYGOTE=0).
//
// Tasks die with ferry: a zygote kills its task's group when ferry's process
// ends, even by SIGKILL (shell_zygote.h). What may still outlive it (a task
// started directly, or whose zygote was killed too) is in the TaskLedger
// given with set_ledger(), which the next run in the launch dir reads. A
// task started directly is recorded at once; one in a zygote once it ran
// kRecordAfterMs (its pid arrives lazily, and a quick task does not need
// the write).
//
// Resource usage: a direct child's CPU time and peak RSS come from wait4
// (its I/O from /proc/<pid>/io just before it is reaped); a task in a zygote
// reports its own (a record the ferry_usage builtin the zygote loads sends
// down a pipe: bash_builtin/ferry_usage.c says why). Either way no extra
// process runs per task.
//
// Completion is detected without a thread per task: a SIGCHLD self-pipe and
// the zygotes' report pipes wake poll(); direct children are reaped with
// waitpid(WNOHANG). Only this executor's own children are ever reaped, so
// other code in the process may run and wait for its own subprocesses.
// Everything runs on the caller's thread; the class is not thread-safe.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "executor/executor.h"
#include "executor/shell_zygote.h"
#include "executor/task_ledger.h"

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
  // Off: every task is started as a new `/bin/bash .command.run` (tests
  // compare both ways; FERRY_LOCAL_ZYGOTE=0 in the environment does the same).
  void set_use_zygotes(bool on) { use_zygotes_ = on; }
  // Where running tasks are recorded from now on (null: nowhere). Kept
  // until the executor is destroyed, after its tasks were killed.
  void set_ledger(std::unique_ptr<TaskLedger> ledger) { ledger_ = std::move(ledger); }
  // How long a task in a zygote runs before it goes into the ledger.
  static constexpr int64_t kRecordAfterMs = 50;

 private:
  struct Zygote {
    std::unique_ptr<ShellZygote> shell;
    std::vector<std::pair<std::string, std::string>> env;  // the TaskRun::env it was started with
    bool busy = false;
    uint64_t task = 0;  // the running task's id, when busy
  };
  struct Running {
    std::string work_dir;
    int64_t time_limit_ms = 0;
    int64_t submit_ms = 0, start_ms = 0;
    // When it started on the steady clock: its realtime, which a wall clock
    // being slewed or stepped (NTP) would stretch or shrink.
    int64_t start_steady_ms = 0;
    int64_t timer_at = 0;      // steady-clock ms of the pending timer, 0 = none
    pid_t pgid = 0;            // = the task's leader pid; 0 until its zygote reports it
    int pending_signal = 0;    // to send once pgid is known
    Zygote* zygote = nullptr;  // null: a direct child
    bool timed_out = false;
    int timeout_signal = 0;  // the last signal its time limit sent (SIGTERM, then SIGKILL)
    bool aborting = false;
    bool in_ledger = false;  // ledger_->Started() was called for pgid
  };

  Status SpawnDirect(const TaskRun& run, Running* r);  // `/bin/bash .command.run`
  Zygote* IdleZygote(const TaskRun& run);              // null if none can be had
  void Signal(Running* r, int sig);                    // to the task's group, now or once known
  void ReapSome();                                     // reaps whichever of our children exited
  void ScanDirectChildren();                           // waitpid(WNOHANG) on each of ours
  void ZygoteOutput(Zygote* z);                        // handles its exit reports (or its end)
  void SendPendingSignal(Zygote* z);                   // once its task's pid is readable
  void ZygoteGone(Zygote* z);                          // fails its task, drops it
  // poll()s the SIGCHLD pipe, InterruptFd() and every zygote for up to
  // timeout_ms and handles what arrived. Returns poll()'s result.
  int WaitForEvents(int timeout_ms);
  // reaped: the usage wait4 gave for a direct child (null: read the task's
  // own report, or leave it unknown).
  void Finish(uint64_t id, int exit_code, const char* launcher_died = nullptr, const TaskUsage* reaped = nullptr);
  // wait4(pid, status, flags) retried on EINTR; fills *usage from its
  // rusage when it reaped pid. Returns what wait4 returned.
  static pid_t ReapDirect(pid_t pid, int flags, int* status, TaskUsage* usage);
  void FireTimers(int64_t now_steady_ms);
  void SetTimer(uint64_t id, Running* r, int64_t at);
  // Puts tasks that ran kRecordAfterMs into the ledger; returns the steady
  // ms of the next one due (0: none).
  int64_t RecordInLedger(int64_t now_steady_ms);

  std::unordered_map<uint64_t, Running> running_;  // by task id
  std::unordered_map<pid_t, uint64_t> direct_;     // direct child pid -> task id
  std::vector<std::unique_ptr<Zygote>> zygotes_;
  std::set<std::pair<int64_t, uint64_t>> timers_;  // (steady ms, task id), earliest first
  std::vector<TaskResult> done_;                   // finished, not yet handed out
  std::unique_ptr<TaskLedger> ledger_;
  std::deque<std::pair<int64_t, uint64_t>> unrecorded_;  // (steady ms due, task id), in order
  bool use_zygotes_ = true;
  uint64_t seen_child_events_ = 0;
  int seen_interrupts_ = 0;
  int timeout_kill_grace_ms_ = 5000;
};

}  // namespace ferry
