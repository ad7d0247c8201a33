// RunLock: one ferry process at a time works in a directory. Two `ferry run`
// in one launch directory would share its history and its work dirs (a task
// of both runs has one hash, so one work dir), and one would publish what the
// other half-wrote; two `ferry build` of one directory would overwrite each
// other's mirror. So `ferry run` and `ferry clean` lock <launch_dir>/.ferry/lock
// and `ferry build` locks a file named after its directory
// (remote_build/build_lock.h).
//
// The lock is an flock(2) on that file, held for as long as the holder's
// descriptor is open: the kernel lets go when the process ends, however it
// ends, so a run killed with SIGKILL leaves no stale lock and the next
// -resume simply takes it. The descriptor is close-on-exec, so task
// processes never inherit it and never keep a lock alive after ferry is gone.
// After locking, the holder writes who it is (command, run name or job id,
// pid, start time) into the file; a process refused reads that to name it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "util/status.h"

namespace ferry {

// Who holds a lock, as written into the lock file.
struct LockHolder {
  std::string command;  // the ferry command: "run", "clean", "build"
  std::string name;     // the run name or the job id, once known
  int64_t pid = 0;
  int64_t start_ms = 0;  // epoch milliseconds
};

// The stored text of a holder, and back (pure). Parse reads complete lines
// only and fails unless the pid and the start time (the last line) are there: a file being written reads as "not
// yet known" rather than as a wrong holder.
std::string FormatLockHolder(const LockHolder& holder);
bool ParseLockHolder(const std::string& text, LockHolder* out);

// The refusal of a second process: Invalid (exit 2), naming the holder and
// how to stop it; `holder.pid` 0 means the holder did not say who it is.
Status LockBusy(const std::string& dir, const LockHolder& holder);

// <launch_dir>/.ferry/lock: the lock of `ferry run` and `ferry clean`.
std::string RunLockPath(const std::string& launch_dir);

class RunLock {
 public:
  // Locks `path` (creating it and its directory), then writes `me` into it.
  // When another process holds it: LockBusy(dir, that holder), and *holder
  // (if given) is what it wrote. Failed when the file cannot be made.
  static Status Acquire(const std::string& path, const std::string& dir, const LockHolder& me,
                        std::unique_ptr<RunLock>* out, LockHolder* holder = nullptr);
  // Closing the descriptor releases the lock; the file stays (removing it
  // would let a third process lock a new file while a second holds the old).
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

  // Records the run name or job id once it is known.
  Status SetName(const std::string& name);

 private:
  RunLock(int fd, std::string path, LockHolder me) : fd_(fd), path_(std::move(path)), me_(std::move(me)) {}
  Status Write();

  int fd_;
  std::string path_;
  LockHolder me_;
};

}  // namespace ferry
