#include "awsemu/job_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace awsemu {
namespace {

// CloudWatch Logs caps an event at 256 KiB (including 26 bytes overhead).
constexpr size_t kMaxEventBytes = 256 * 1024 - 26;

int64_t WallMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int PidfdOpen(int pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  errno = ENOSYS;
  return -1;
#endif
}

int StatusToCode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

}  // namespace

std::vector<std::string> TakeLines(std::string* buffer, size_t max_len) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t nl = buffer->find('\n', start);
    if (nl == std::string::npos) break;
    size_t end = nl;
    if (end > start && (*buffer)[end - 1] == '\r') --end;
    for (size_t p = start; p < end; p += max_len) out.push_back(buffer->substr(p, std::min(max_len, end - p)));
    if (end == start) out.emplace_back();
    start = nl + 1;
  }
  buffer->erase(0, start);
  while (buffer->size() > max_len) {
    out.push_back(buffer->substr(0, max_len));
    buffer->erase(0, max_len);
  }
  return out;
}

JobRunner::JobRunner() { wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK); }

JobRunner::~JobRunner() {
  KillAll();
  if (wake_fd_ >= 0) close(wake_fd_);
}

std::string JobRunner::Start(uint64_t id, const JobSpawnSpec& spec) {
  if (spec.argv.empty()) return "no command to run";
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return std::string("pipe: ") + std::strerror(errno);

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
  posix_spawn_file_actions_addchdir_np(&fa, spec.workdir.c_str());
  // Nothing of the emulator (sockets, files) leaks into jobs.
  posix_spawn_file_actions_addclosefrom_np(&fa, 3);

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t mask, defaults;
  sigemptyset(&mask);
  sigemptyset(&defaults);
  // Ignored signals survive exec; a job must see the defaults a container has.
  for (int s : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2, SIGALRM}) sigaddset(&defaults, s);
  posix_spawnattr_setsigmask(&attr, &mask);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> argv, envp;
  for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : spec.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  pid_t pid = -1;
  int rc = posix_spawn(&pid, argv[0], &fa, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    return std::string(std::strerror(rc));
  }
  fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
  Proc p;
  p.pid = pid;
  p.out_fd = fds[0];
  p.pid_fd = PidfdOpen(pid);
  p.signal_command = spec.signal_command;
  if (!p.signal_command.empty()) p.env = spec.env;
  if (p.pid_fd >= 0) fcntl(p.pid_fd, F_SETFD, FD_CLOEXEC);
  procs_[id] = std::move(p);
  return "";
}

int JobRunner::SpawnSignalCommand(const Proc& p, int sig) {
  std::vector<std::string> args = p.signal_command;
  for (std::string& a : args)
    for (size_t at = a.find("{signal}"); at != std::string::npos; at = a.find("{signal}"))
      a.replace(at, 8, std::to_string(sig));
  std::vector<char*> argv, envp;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (const auto& e : p.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addclosefrom_np(&fa, 3);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  return rc == 0 ? pid : -1;
}

void JobRunner::ReapHelpers(bool wait) {
  for (auto it = helpers_.begin(); it != helpers_.end();) {
    int status;
    pid_t r = waitpid(*it, &status, wait ? 0 : WNOHANG);
    if (r == 0) {
      ++it;
    } else {
      it = helpers_.erase(it);
    }
  }
}

void JobRunner::Signal(uint64_t id, int sig) {
  auto it = procs_.find(id);
  if (it == procs_.end()) return;
  if (!it->second.signal_command.empty()) {
    int pid = SpawnSignalCommand(it->second, sig);
    if (pid > 0) helpers_.push_back(pid);
    return;
  }
  // The job leads its own session, so its pid is the process group id.
  if (kill(-it->second.pid, sig) != 0) kill(it->second.pid, sig);
}

void JobRunner::Wake() {
  uint64_t one = 1;
  if (wake_fd_ >= 0) {
    ssize_t n = write(wake_fd_, &one, sizeof one);
    (void)n;
  }
}

void JobRunner::EmitLine(uint64_t id, std::string text, std::vector<Line>* lines) {
  lines->push_back({id, WallMillis(), std::move(text)});
}

void JobRunner::Drain(uint64_t id, Proc& p, std::vector<Line>* lines, bool final) {
  if (p.out_fd < 0) return;
  char buf[65536];
  // A job that writes without pause (`yes`) must not keep the one worker
  // here: while it runs, take one buffer (64 KiB) per Poll. After it ended,
  // take what is buffered, up to 4 MiB (a process that left the job's group
  // may still be writing).
  const int max_reads = final ? 64 : 1;
  bool eof = false;
  for (int reads = 0; reads < max_reads; ++reads) {
    ssize_t n = read(p.out_fd, buf, sizeof buf);
    if (n > 0) {
      p.partial.append(buf, static_cast<size_t>(n));
      for (auto& l : TakeLines(&p.partial, kMaxEventBytes)) EmitLine(id, std::move(l), lines);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    eof = n == 0;
    break;
  }
  if (eof || final) {
    // End of output: the last line may lack its newline.
    if (!p.partial.empty()) EmitLine(id, std::move(p.partial), lines);
    p.partial.clear();
    close(p.out_fd);
    p.out_fd = -1;
  }
}

bool JobRunner::TryReap(Proc& p, int* code) {
  int status = 0;
  pid_t r = waitpid(p.pid, &status, WNOHANG);
  if (r == p.pid) {
    *code = StatusToCode(status);
    return true;
  }
  if (r < 0 && errno == ECHILD) {  // reaped elsewhere: the status is lost
    *code = 255;
    return true;
  }
  return false;
}

void JobRunner::Close(Proc& p) {
  if (p.out_fd >= 0) close(p.out_fd);
  if (p.pid_fd >= 0) close(p.pid_fd);
  p.out_fd = p.pid_fd = -1;
}

void JobRunner::Poll(int timeout_ms, std::vector<Line>* lines, std::vector<Exit>* exits) {
  std::vector<pollfd> pfds;
  std::vector<std::pair<uint64_t, bool>> owners;  // (job id, is pidfd)
  pfds.push_back({wake_fd_, POLLIN, 0});
  owners.push_back({0, false});
  bool need_waitpid_poll = false;
  for (auto& [id, p] : procs_) {
    if (p.out_fd >= 0) {
      pfds.push_back({p.out_fd, POLLIN, 0});
      owners.push_back({id, false});
    }
    if (p.pid_fd >= 0) {
      pfds.push_back({p.pid_fd, POLLIN, 0});
      owners.push_back({id, true});
    } else {
      need_waitpid_poll = true;
    }
  }
  if (need_waitpid_poll && timeout_ms > 50) timeout_ms = 50;
  int n = poll(pfds.data(), pfds.size(), timeout_ms);
  if (n < 0) return;
  if (pfds[0].revents) {
    uint64_t v;
    ssize_t r = read(wake_fd_, &v, sizeof v);
    (void)r;
  }
  ReapHelpers(false);
  std::vector<uint64_t> maybe_exited;
  for (size_t i = 1; i < pfds.size(); ++i) {
    if (!pfds[i].revents) continue;
    uint64_t id = owners[i].first;
    auto it = procs_.find(id);
    if (it == procs_.end()) continue;
    if (owners[i].second) {
      maybe_exited.push_back(id);
    } else {
      Drain(id, it->second, lines, false);
    }
  }
  if (need_waitpid_poll)
    for (auto& [id, p] : procs_)
      if (p.pid_fd < 0) maybe_exited.push_back(id);
  for (uint64_t id : maybe_exited) {
    auto it = procs_.find(id);
    if (it == procs_.end()) continue;
    int code = 0;
    if (!TryReap(it->second, &code)) continue;
    // The container is gone: so are the processes it left behind.
    kill(-it->second.pid, SIGKILL);
    Drain(id, it->second, lines, true);
    Close(it->second);
    procs_.erase(it);
    exits->push_back({id, code});
  }
}

void JobRunner::KillAll() {
  // Containers first (killing the engine's client would leave them).
  for (auto& [id, p] : procs_)
    if (!p.signal_command.empty()) {
      int pid = SpawnSignalCommand(p, SIGKILL);
      if (pid > 0) helpers_.push_back(pid);
    }
  ReapHelpers(true);
  // The engine's client removes its container once it has ended (podman
  // run --rm): give it a few seconds to do so before it is killed too.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (auto& [id, p] : procs_) {
    int status;
    if (!p.signal_command.empty()) {
      pid_t r = 0;
      while ((r = waitpid(p.pid, &status, WNOHANG)) == 0 && std::chrono::steady_clock::now() < deadline) usleep(20000);
      if (r != 0) {  // reaped (its pid may be another process's by now)
        Close(p);
        continue;
      }
    }
    kill(-p.pid, SIGKILL);
    kill(p.pid, SIGKILL);
    waitpid(p.pid, &status, 0);
    Close(p);
  }
  procs_.clear();
}

}  // namespace awsemu
