#include "store/run_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

#include "util/clock_text.h"

namespace ferry {

namespace {

// How long a refused process waits for the holder to finish writing who it
// is: the holder writes right after locking, so this is only ever the gap
// between two system calls of the other process.
constexpr int kReadTries = 50;
constexpr auto kReadPause = std::chrono::milliseconds(10);

Status SysError(const std::string& what, const std::string& path) {
  return Status::Failed(what + " " + path + ": " + std::strerror(errno));
}

std::string ReadAll(int fd) {
  std::string text;
  char buf[1024];
  off_t at = 0;
  for (;;) {
    ssize_t n = ::pread(fd, buf, sizeof buf, at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
    at += n;
    if (text.size() > 64 * 1024) break;  // not a lock file ferry wrote
  }
  return text;
}

bool ParseInt(const std::string& s, int64_t* out) {
  if (s.empty() || s.size() > 18) return false;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

// The holder of the lock on fd, as it wrote itself; pid 0 if it has not
// written yet (or never will: not a file ferry wrote).
LockHolder ReadHolder(int fd) {
  LockHolder h;
  for (int i = 0; i < kReadTries; ++i) {
    if (ParseLockHolder(ReadAll(fd), &h)) return h;
    std::this_thread::sleep_for(kReadPause);
  }
  return LockHolder{};
}

}  // namespace

std::string FormatLockHolder(const LockHolder& h) {
  return "command=" + h.command + "\nname=" + h.name + "\npid=" + std::to_string(h.pid) +
         "\nstart_ms=" + std::to_string(h.start_ms) + "\n";
}

bool ParseLockHolder(const std::string& text, LockHolder* out) {
  LockHolder h;
  bool have_pid = false, have_start = false;
  size_t at = 0;
  for (size_t nl; (nl = text.find('\n', at)) != std::string::npos; at = nl + 1) {
    std::string line = text.substr(at, nl - at);
    size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    if (key == "command") h.command = value;
    if (key == "name") h.name = value;
    if (key == "pid") have_pid = ParseInt(value, &h.pid) && h.pid > 0;
    if (key == "start_ms") have_start = ParseInt(value, &h.start_ms);
  }
  if (!have_pid || !have_start) return false;
  *out = std::move(h);
  return true;
}

Status LockBusy(const std::string& dir, const LockHolder& h) {
  const std::string command = h.command.empty() ? "ferry" : "ferry " + h.command;
  std::string msg = "another " + command + " is running in " + dir;
  if (h.pid <= 0)
    return Status::Invalid(msg + " (it has not said which yet); wait for it to end, or try again in a moment");
  msg += ": ";
  if (!h.name.empty()) msg += (h.command == "build" ? "job " : h.command == "run" ? "run " : "") + h.name + ", ";
  msg += "pid " + std::to_string(h.pid);
  if (h.start_ms > 0) msg += ", started " + FormatLocalTime(h.start_ms, "%Y-%m-%d %H:%M:%S");
  return Status::Invalid(msg + "; wait for it or stop it (kill " + std::to_string(h.pid) + ")");
}

std::string RunLockPath(const std::string& launch_dir) { return launch_dir + "/.ferry/lock"; }

Status RunLock::Acquire(const std::string& path, const std::string& dir, const LockHolder& me,
                        std::unique_ptr<RunLock>* out, LockHolder* holder) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  if (ec) return Status::Failed("cannot create the directory of " + path + ": " + ec.message());
  // O_CLOEXEC: a task that outlives ferry must not keep the lock.
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) return SysError("cannot open the lock file", path);
  int rc;
  while ((rc = ::flock(fd, LOCK_EX | LOCK_NB)) != 0 && errno == EINTR) {
  }
  if (rc != 0) {
    if (errno != EWOULDBLOCK) {
      Status st = SysError("cannot lock", path);
      ::close(fd);
      return st;
    }
    LockHolder h = ReadHolder(fd);
    ::close(fd);
    if (holder) *holder = h;
    return LockBusy(dir, h);
  }
  std::unique_ptr<RunLock> lock(new RunLock(fd, path, me));
  FERRY_RETURN_IF_ERROR(lock->Write());
  *out = std::move(lock);
  return Status::Ok();
}

RunLock::~RunLock() { ::close(fd_); }

Status RunLock::SetName(const std::string& name) {
  me_.name = name;
  return Write();
}

Status RunLock::Write() {
  // Emptied first, so a reader sees nothing (and waits) or a prefix of the
  // new text (whose complete lines are true), never a mix with the old one.
  const std::string text = FormatLockHolder(me_);
  if (::ftruncate(fd_, 0) != 0) return SysError("cannot write the lock file", path_);
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::pwrite(fd_, text.data() + done, text.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return SysError("cannot write the lock file", path_);
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

}  // namespace ferry
