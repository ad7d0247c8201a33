#include "executor/local_executor.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "util/interrupt.h"
#include "util/text.h"
#include "util/units.h"

extern char** environ;

namespace ferry {

namespace {

// --- SIGCHLD self-pipe, shared by every LocalExecutor in the process. ---
// The handler bumps a generation counter before writing the wake-up byte, so
// an executor that finds the counter unchanged knows none of its children can
// have exited since it last looked, even if another executor drained the pipe.
std::atomic<uint64_t> g_child_events{0};
int g_chld_read = -1;
int g_chld_write = -1;
struct sigaction g_prev_chld = {};
static_assert(std::atomic<uint64_t>::is_always_lock_free);

extern "C" void OnSigchld(int sig, siginfo_t* info, void* ctx) {
  int saved = errno;
  g_child_events.fetch_add(1, std::memory_order_relaxed);
  char b = 1;
  ssize_t ignored = write(g_chld_write, &b, 1);
  (void)ignored;
  errno = saved;
  // Keep whatever handler someone installed before us working.
  if (g_prev_chld.sa_flags & SA_SIGINFO) {
    if (g_prev_chld.sa_sigaction) g_prev_chld.sa_sigaction(sig, info, ctx);
  } else if (g_prev_chld.sa_handler != SIG_DFL && g_prev_chld.sa_handler != SIG_IGN) {
    g_prev_chld.sa_handler(sig);
  }
}

std::once_flag g_chld_once;
bool g_chld_ok = false;

void InstallSigchld() {
  std::call_once(g_chld_once, [] {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return;
    g_chld_read = fds[0];
    g_chld_write = fds[1];
    struct sigaction sa = {};
    sa.sa_sigaction = OnSigchld;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_NOCLDSTOP;
    g_chld_ok = sigaction(SIGCHLD, &sa, &g_prev_chld) == 0;
  });
}

void DrainFd(int fd) {
  char buf[256];
  while (read(fd, buf, sizeof buf) > 0) {
  }
}

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int64_t EpochMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The exit status the wrapper recorded, if it got that far.
bool ReadExitFile(const std::string& work_dir, int* code) {
  int fd = open((work_dir + "/.exitcode").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[32];
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return false;
  buf[n] = 0;
  std::string_view t = Trim(std::string_view(buf, static_cast<size_t>(n)));
  if (t.empty()) return false;
  std::string s(t);
  char* end = nullptr;
  errno = 0;
  long v = std::strtol(s.c_str(), &end, 10);
  if (errno != 0 || *end != 0 || v < 0 || v > 255) return false;
  *code = static_cast<int>(v);
  return true;
}

int ExitCodeFromWaitStatus(int st) {
  if (WIFEXITED(st)) return WEXITSTATUS(st);
  if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
  return -1;
}

// Parent environment with `extra` added (an extra key replaces the parent's).
std::vector<std::string> BuildEnv(const std::vector<std::pair<std::string, std::string>>& extra) {
  std::vector<std::string> out;
  std::unordered_set<std::string> keys;
  for (const auto& [k, v] : extra) keys.insert(k);
  for (char** e = environ; e && *e; ++e) {
    const char* eq = std::strchr(*e, '=');
    if (eq && keys.count(std::string(*e, static_cast<size_t>(eq - *e)))) continue;
    out.emplace_back(*e);
  }
  for (const auto& [k, v] : extra) out.push_back(k + "=" + v);
  return out;
}

// RAII for the posix_spawn attribute objects.
struct SpawnSetup {
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  SpawnSetup() {
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
  }
};

}  // namespace

LocalExecutor::LocalExecutor() {
  InstallSigchld();
  seen_child_events_ = g_child_events.load();
  seen_interrupts_ = InterruptCount();
}

LocalExecutor::~LocalExecutor() {
  for (auto& [pid, r] : running_) kill(-pid, SIGKILL);
  for (auto& [pid, r] : running_) {
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
  }
}

Status LocalExecutor::Submit(const TaskRun& run) {
  if (run.work_dir.empty() || run.work_dir[0] != '/')
    return Status::Invalid("task '" + run.name + "': work dir must be an absolute path, got '" +
                           run.work_dir + "'");
  if (running_ids_.count(run.id))
    return Status::Invalid("task '" + run.name + "' (id " + std::to_string(run.id) +
                           ") is already running");

  int64_t submit_ms = EpochMs();
  auto fail = [&](const std::string& why) {
    TaskResult r;
    r.id = run.id;
    r.outcome = TaskResult::Outcome::kSubmitFailed;
    r.submit_ms = submit_ms;
    r.end_ms = EpochMs();
    r.message = why;
    done_.push_back(std::move(r));
    return Status::Ok();
  };
  if (!g_chld_ok) return fail("cannot watch child processes (SIGCHLD setup failed)");

  const std::string wrapper = run.work_dir + "/.command.run";
  struct stat sb;
  if (stat(wrapper.c_str(), &sb) != 0)
    return fail("cannot start task: " + wrapper + ": " + std::strerror(errno));
  unlink((run.work_dir + "/.exitcode").c_str());

  SpawnSetup s;
  const std::string launch_log = run.work_dir + "/.command.log";
  posix_spawn_file_actions_addchdir_np(&s.fa, run.work_dir.c_str());
  posix_spawn_file_actions_addopen(&s.fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&s.fa, 1, launch_log.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_adddup2(&s.fa, 1, 2);
  // Tasks must not inherit ferry's sockets, database or pipes.
  posix_spawn_file_actions_addclosefrom_np(&s.fa, 3);

  // Own process group; clean signal state (ferry may block or ignore some).
  sigset_t empty, defaults;
  sigemptyset(&empty);
  sigemptyset(&defaults);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD, SIGALRM, SIGUSR1, SIGUSR2,
                  SIGTSTP, SIGTTIN, SIGTTOU})
    sigaddset(&defaults, sig);
  posix_spawnattr_setpgroup(&s.attr, 0);
  posix_spawnattr_setsigmask(&s.attr, &empty);
  posix_spawnattr_setsigdefault(&s.attr, &defaults);
  posix_spawnattr_setflags(&s.attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                        POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_USEVFORK);

  std::vector<std::string> env = BuildEnv(run.env);
  std::vector<char*> envp;
  envp.reserve(env.size() + 1);
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  char arg0[] = "/bin/bash";
  char arg1[] = ".command.run";
  char* argv[] = {arg0, arg1, nullptr};

  pid_t pid = -1;
  int err = posix_spawn(&pid, "/bin/bash", &s.fa, &s.attr, argv, envp.data());
  if (err != 0)
    return fail("cannot start task in " + run.work_dir + ": " + std::strerror(err));

  Running r;
  r.id = run.id;
  r.work_dir = run.work_dir;
  r.time_limit_ms = run.time_limit_ms;
  r.submit_ms = submit_ms;
  r.start_ms = EpochMs();
  auto [it, inserted] = running_.emplace(pid, std::move(r));
  (void)inserted;
  running_ids_.insert(run.id);
  if (run.time_limit_ms > 0) SetTimer(pid, &it->second, SteadyMs() + run.time_limit_ms);
  return Status::Ok();
}

void LocalExecutor::SetTimer(pid_t pid, Running* r, int64_t at) {
  if (r->timer_at) timers_.erase({r->timer_at, pid});
  r->timer_at = at;
  if (at) timers_.insert({at, pid});
}

void LocalExecutor::Finish(pid_t pid, int wait_status) {
  auto it = running_.find(pid);
  if (it == running_.end()) return;
  Running& r = it->second;
  TaskResult res;
  res.id = r.id;
  res.native_id = std::to_string(pid);
  res.submit_ms = r.submit_ms;
  res.start_ms = r.start_ms;
  res.end_ms = EpochMs();
  if (!ReadExitFile(r.work_dir, &res.exit_code)) res.exit_code = ExitCodeFromWaitStatus(wait_status);
  if (r.timed_out) {
    res.outcome = TaskResult::Outcome::kTimedOut;
    res.message = "exceeded time limit of " + FormatDuration(r.time_limit_ms);
  } else if (r.aborting) {
    res.outcome = TaskResult::Outcome::kAborted;
    res.message = "aborted";
  }
  if (r.timed_out || r.aborting) {
    // The leader is gone; take down anything it left running in its group.
    kill(-pid, SIGKILL);
  }
  SetTimer(pid, &r, 0);
  running_ids_.erase(r.id);
  running_.erase(it);
  done_.push_back(std::move(res));
}

void LocalExecutor::ScanOwnChildren() {
  std::vector<std::pair<pid_t, int>> exited;
  for (auto& [pid, r] : running_) {
    int st;
    if (waitpid(pid, &st, WNOHANG) == pid) exited.push_back({pid, st});
  }
  for (auto& [pid, st] : exited) Finish(pid, st);
}

void LocalExecutor::ReapSome() {
  seen_child_events_ = g_child_events.load();
  // Peek (WNOWAIT) at whichever child exited: if it is ours, reap just that
  // one, which keeps the cost per exit O(1) with thousands running. A child
  // that is not ours is left for its owner, and we fall back to checking
  // each of ours.
  while (!running_.empty()) {
    siginfo_t si;
    std::memset(&si, 0, sizeof si);
    if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) != 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (si.si_pid == 0) break;
    if (!running_.count(si.si_pid)) {
      ScanOwnChildren();
      break;
    }
    int st;
    if (waitpid(si.si_pid, &st, WNOHANG) == si.si_pid) {
      Finish(si.si_pid, st);
    } else {
      break;
    }
  }
}

void LocalExecutor::FireTimers(int64_t now) {
  while (!timers_.empty() && timers_.begin()->first <= now) {
    pid_t pid = timers_.begin()->second;
    auto it = running_.find(pid);
    if (it == running_.end()) {
      timers_.erase(timers_.begin());
      continue;
    }
    Running& r = it->second;
    if (!r.timed_out) {
      r.timed_out = true;
      kill(-pid, SIGTERM);
      SetTimer(pid, &r, now + timeout_kill_grace_ms_);
    } else {
      kill(-pid, SIGKILL);
      SetTimer(pid, &r, 0);
    }
  }
}

Status LocalExecutor::Poll(int timeout_ms, std::vector<TaskResult>* finished) {
  const int64_t deadline = SteadyMs() + (timeout_ms > 0 ? timeout_ms : 0);
  for (;;) {
    if (g_child_events.load() != seen_child_events_) ReapSome();
    int64_t now = SteadyMs();
    FireTimers(now);
    if (!done_.empty()) {
      for (auto& r : done_) finished->push_back(std::move(r));
      done_.clear();
      return Status::Ok();
    }
    if (InterruptCount() != seen_interrupts_) {
      seen_interrupts_ = InterruptCount();
      return Status::Ok();
    }
    if (running_.empty() || now >= deadline) return Status::Ok();

    int64_t wake = deadline;
    if (!timers_.empty() && timers_.begin()->first < wake) wake = timers_.begin()->first;
    pollfd fds[2] = {{g_chld_read, POLLIN, 0}, {InterruptFd(), POLLIN, 0}};
    int n = poll(fds, 2, static_cast<int>(std::max<int64_t>(0, wake - now)));
    if (n < 0 && errno != EINTR)
      return Status::Failed(std::string("local executor: poll failed: ") + std::strerror(errno));
    if (n > 0) {
      if (fds[0].revents & POLLIN) DrainFd(g_chld_read);
      if (fds[1].revents & POLLIN) DrainInterruptFd();
    }
    // A missed SIGCHLD (someone replaced our handler) must not hang a task
    // forever: at the end of each wait, look anyway.
    if (n == 0) ReapSome();
  }
}

void LocalExecutor::AbortAll(int grace_ms, std::vector<TaskResult>* aborted) {
  for (auto& r : done_) aborted->push_back(std::move(r));
  done_.clear();
  if (running_.empty()) return;

  for (auto& [pid, r] : running_) {
    r.aborting = true;
    kill(-pid, SIGTERM);
  }
  const int64_t deadline = SteadyMs() + std::max(0, grace_ms);
  int interrupts = InterruptCount();
  while (!running_.empty()) {
    ScanOwnChildren();
    int64_t now = SteadyMs();
    if (running_.empty() || now >= deadline || InterruptCount() != interrupts) break;
    pollfd fds[2] = {{g_chld_read, POLLIN, 0}, {InterruptFd(), POLLIN, 0}};
    // Bounded wait so a SIGCHLD consumed elsewhere costs at most 50 ms.
    int n = poll(fds, 2, static_cast<int>(std::min<int64_t>(deadline - now, 50)));
    if (n > 0) {
      if (fds[0].revents & POLLIN) DrainFd(g_chld_read);
      if (fds[1].revents & POLLIN) DrainInterruptFd();
    }
  }
  seen_interrupts_ = InterruptCount();
  for (auto& [pid, r] : running_) kill(-pid, SIGKILL);
  std::vector<std::pair<pid_t, int>> exited;
  for (auto& [pid, r] : running_) {
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    exited.push_back({pid, st});
  }
  for (auto& [pid, st] : exited) Finish(pid, st);
  for (auto& r : done_) aborted->push_back(std::move(r));
  done_.clear();
}

}  // namespace ferry
