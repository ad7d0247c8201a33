// TaskLedger: the durable list of the local tasks one ferry process has
// running, a file per ferry process in <launch dir>/.ferry/tasks/, so that
// when ferry dies without stopping them (SIGKILL, the OOM killer) and some
// task outlived it anyway (its zygote was killed too, or it ran without
// one), the next `ferry run` there kills what is left before it starts
// anything, and only that: every entry names a task's process group by its
// leader's pid and start time, and the file names its ferry the same way
// (util/process_identity.h), so neither a recycled pid nor the tasks of a
// ferry still running are ever signalled.
//
// The file is text, appended with one write(2) per line: what a process
// wrote survives its crash (the kernel keeps it), and a line is never torn.
//   ferry PID START      the owner, first line
//   + PGID START         a task's group, once its pid is known
//   - PGID               that task ended
// The owner removes its file when the run ends normally.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/process_identity.h"
#include "util/status.h"

namespace ferry {

class TaskLedger {
 public:
  // Creates dir (if needed) and this process's file in it.
  static Status Open(const std::string& dir, std::unique_ptr<TaskLedger>* out);
  // Removes the file: the run ended and stopped its tasks.
  ~TaskLedger();
  TaskLedger(const TaskLedger&) = delete;
  TaskLedger& operator=(const TaskLedger&) = delete;

  // A task's group, led by pgid, runs (its start time is read now; a leader
  // already gone is not recorded: there is nothing to match it by).
  void Started(pid_t pgid);
  void Ended(pid_t pgid);
  const std::string& path() const { return path_; }

 private:
  TaskLedger(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  void Append(const std::string& line);

  int fd_;
  std::string path_;
};

// What a ledger file says: its owner and the task groups started and not
// ended, in order. False when the text is not a ledger (no owner line).
struct LedgerContents {
  ProcessIdentity owner;
  std::vector<ProcessIdentity> running;
};
bool ParseLedger(std::string_view text, LedgerContents* out);

// What KillSurvivors did.
struct SurvivorReport {
  int groups_killed = 0;          // task process groups SIGKILLed
  std::vector<pid_t> dead_ferry;  // pids of the ferry processes they outlived
};

// For each ledger in dir whose ferry no longer runs: SIGKILLs every task
// group whose leader still matches its entry, then removes the file.
// Ledgers of a ferry still running are left alone. A missing dir is fine.
Status KillSurvivors(const std::string& dir, SurvivorReport* report);

}  // namespace ferry
