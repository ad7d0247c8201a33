// ShellZygote: one long-lived bash that starts local tasks by forking itself
// instead of the executor exec'ing a new /bin/bash for every task.
//
// Why: on short tasks the local executor's cost is process start-up. A fresh
// bash costs about 1 ms of CPU before it runs a line (exec, dynamic linking,
// start-up), twice dash's, and the 10,000-task benchmark is bound by exactly
// that. A fork of an already running bash skips all of it (about a third of
// the CPU per task, measured in docs/benchmarks.md).
//
// How: the executor writes a work dir (NUL-terminated) to the zygote's stdin.
// The zygote runs with job control on (`set -m`), so `( ... ) &` puts the
// task's subshell in a process group of its own, just as setpgid does on the
// exec path: the executor still TERMs/KILLs the task's whole tree with
// kill(-pgid). The subshell turns job control off again (the task's own
// background jobs stay in its group), points stdin at /dev/null and
// stdout/stderr at .command.log, and sources .command.run, the same wrapper
// `bash .command.run` runs by hand. The zygote writes the subshell's pid to
// one pipe, waits for it, and writes its exit status (128+signal if killed)
// to another. Two pipes so that ferry, which only polls the second, wakes
// once per task (the pid is needed only to signal a task, and to name it
// once it ended). One task at a time per zygote.
//
// What a task could notice: $$ is the zygote's pid (BASHPID is the task's),
// BASH_SUBSHELL is 1. The executor therefore has scripts that mention $$
// exec'ed as `/bin/bash .command.run` by the subshell (Launch's own_shell).
//
// Dying with ferry: the zygote is forked with PR_SET_PDEATHSIG = SIGTERM, and
// its TERM trap SIGKILLs the running task's process group (grandchildren
// included) before it exits. So when ferry is SIGKILLed, every task a zygote
// runs dies within milliseconds. The death signal follows the *thread* that
// called Spawn: spawn zygotes from the thread that lives as long as the run
// (the executor's). A task process that leaves its group (setsid) escapes
// this; the TaskLedger (task_ledger.h) is the second line.
// Not thread-safe; used from the executor's thread only.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "util/status.h"

namespace ferry {

class ShellZygote {
 public:
  // How one task ended.
  struct Exit {
    pid_t pid;   // the task's pid, which was also its process group
    int status;  // its exit status, 128+N if killed by signal N
  };

  // Starts `/bin/bash` with `env` (KEY=VALUE strings) as its whole
  // environment, in a process group of its own (Ctrl-C at the terminal must
  // not reach it), with no fds of ours but its two pipes, set to get SIGTERM
  // (and kill its task) when the calling thread ends.
  static Status Spawn(const std::vector<std::string>& env, std::unique_ptr<ShellZygote>* out);
  // Stop()s it.
  ~ShellZygote();
  ShellZygote(const ShellZygote&) = delete;
  ShellZygote& operator=(const ShellZygote&) = delete;

  // Asks it to start the task in work_dir (absolute). The zygote must be
  // idle. own_shell: the task runs as a new `/bin/bash .command.run` (its $$
  // its own pid) forked by the zygote, instead of in a subshell of it.
  Status Launch(const std::string& work_dir, bool own_shell = false);
  // The running task's pid (= its process group), read from the zygote
  // without blocking; 0 until the zygote has reported it (or when idle).
  pid_t TaskPid();
  // Reads the exit reports written so far, without blocking. Returns false
  // once the zygote is gone (end of file or error); exits read before that
  // are still appended.
  bool ReadExits(std::vector<Exit>* out);

  // The usage record (ferry_usage builtin; "key: value" lines, see
  // usage_report.h) the task with this pid sent as it exited, read without
  // blocking. False if there is none: the zygote could not load the
  // builtin, the task ran as its own bash, or it was killed.
  bool TakeUsage(pid_t task, std::string* record);

  int exit_fd() const { return exit_fd_; }  // readable: an exit report (or the zygote's end)
  int pid_fd() const { return pid_fd_; }    // readable: the running task's pid
  pid_t pid() const { return pid_; }
  // Called by the executor's reaper when it collected the zygote's exit
  // status itself; Stop() will not wait for it again.
  void MarkReaped() { reaped_ = true; }

  // Closes its stdin (it exits after its current task), waits up to grace_ms
  // for it to exit while SIGKILLing the group of the task it is running, if
  // any, then SIGKILLs and reaps it. Idempotent.
  void Stop(int grace_ms = 2000);

 private:
  ShellZygote() = default;

  // Reads complete lines available on fd into *partial; appends their
  // numbers. Returns false at end of file or on an error.
  static bool ReadNumbers(int fd, std::string* partial, std::vector<int>* out);

  pid_t pid_ = -1;
  int command_fd_ = -1;  // its stdin: work dirs to run
  int pid_fd_ = -1;      // its fd 3: pids of started tasks
  int exit_fd_ = -1;     // its stdout: exit statuses
  int usage_fd_ = -1;    // its fd 5: the tasks' usage records
  bool reaped_ = false;
  pid_t task_pid_ = 0;                      // running task's pid once read
  std::string pid_partial_, exit_partial_;  // incomplete lines
  std::string usage_partial_;               // usage records not yet taken
};

}  // namespace ferry
