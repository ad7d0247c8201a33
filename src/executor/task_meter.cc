#include "executor/task_meter.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "executor/usage_report.h"

extern char** environ;

namespace ferry {

namespace {

const int kForwarded[] = {SIGTERM, SIGINT, SIGHUP};

// The first sample comes soon (a short task still shows its processes),
// then ever less often: a long task costs one look every half second.
constexpr int64_t kFirstSampleMs = 10, kMaxSampleMs = 500;
// A bound on one sample's walk, whatever the tree does meanwhile.
constexpr size_t kMaxProcesses = 100000;

std::string ReadSmall(const std::string& path) {
  std::string text;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return text;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0 && text.size() < 65536) text.append(buf, static_cast<size_t>(n));
  close(fd);
  return text;
}

// Processes and threads under `root` (itself included) now, following each
// thread's children file (the kernel lists a child under the thread that
// forked it).
void CountTree(pid_t root, int64_t* procs, int64_t* threads) {
  *procs = 0;
  *threads = 0;
  std::vector<int> todo{root};
  size_t walked = 0;
  while (!todo.empty() && walked++ < kMaxProcesses) {
    std::string dir = "/proc/" + std::to_string(todo.back()) + "/task";
    todo.pop_back();
    DIR* d = opendir(dir.c_str());
    if (!d) continue;  // ended meanwhile
    ++*procs;
    while (const dirent* e = readdir(d)) {
      if (e->d_name[0] == '.') continue;
      ++*threads;
      for (int child : ParseChildPids(ReadSmall(dir + "/" + e->d_name + "/children"))) todo.push_back(child);
    }
    closedir(d);
  }
}

int64_t MillisSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
}

bool Ignored(int sig) {
  struct sigaction sa;
  return sigaction(sig, nullptr, &sa) == 0 && sa.sa_handler == SIG_IGN;
}

}  // namespace

std::vector<int> ParseChildPids(const std::string& text) {
  std::vector<int> pids;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    if (i >= text.size() || text[i] == '\n') break;
    long v = 0;
    size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' && v < 1L << 31) v = v * 10 + (text[i++] - '0');
    if (i == start || v <= 0 || v >= 1L << 31 || (i < text.size() && text[i] != ' ' && text[i] != '\n')) break;
    pids.push_back(static_cast<int>(v));
  }
  return pids;
}

Status RunMetered(const std::vector<std::string>& argv, MeteredRun* out) {
  *out = MeteredRun{};
  if (argv.empty() || argv[0].empty()) return Status::Invalid("no command to run");
  // Signals arrive as sigtimedwait's answers, never as handlers: SIGCHLD
  // says the child ended, a forwarded one goes on to it. One the caller
  // ignores stays ignored (a background job ignores SIGINT), for the
  // child too. An ignored SIGCHLD would reap the child unseen, so it is
  // the default here and, as posix_spawn can only set that, in the child.
  sigset_t waited, saved;
  sigemptyset(&waited);
  sigaddset(&waited, SIGCHLD);
  for (int sig : kForwarded)
    if (!Ignored(sig)) sigaddset(&waited, sig);
  bool chld_ignored = Ignored(SIGCHLD);
  if (chld_ignored) signal(SIGCHLD, SIG_DFL);
  sigprocmask(SIG_BLOCK, &waited, &saved);

  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setsigmask(&attr, &saved);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
  auto t0 = std::chrono::steady_clock::now();
  pid_t pid = -1;
  int err = posix_spawnp(&pid, args[0], nullptr, &attr, args.data(), environ);
  posix_spawnattr_destroy(&attr);
  auto restore = [&] {
    sigprocmask(SIG_SETMASK, &saved, nullptr);
    if (chld_ignored) signal(SIGCHLD, SIG_IGN);
  };
  if (err != 0) {
    restore();
    return Status::Failed("cannot run " + argv[0] + ": " + std::strerror(err));
  }

  // Without /proc (a chroot), neither the I/O counters nor the process
  // tree can be read: those stay unknown.
  const bool have_proc = access("/proc/self/stat", R_OK) == 0;
  int64_t procs = 0, threads = 0, peak_procs = 0, peak_threads = 0;
  int64_t next_sample_ms = kFirstSampleMs, interval_ms = kFirstSampleMs;
  while (true) {
    int64_t wait_ms = std::max<int64_t>(0, next_sample_ms - MillisSince(t0));
    timespec timeout{static_cast<time_t>(wait_ms / 1000), static_cast<long>(wait_ms % 1000) * 1000000};
    siginfo_t info;
    int sig = sigtimedwait(&waited, &info, &timeout);
    if (sig < 0) {
      if (errno != EAGAIN) continue;  // EINTR: a signal outside the set; wait on
      if (!have_proc) {
        next_sample_ms = MillisSince(t0) + kMaxSampleMs;
        continue;
      }
      CountTree(pid, &procs, &threads);
      peak_procs = std::max(peak_procs, procs);
      peak_threads = std::max(peak_threads, threads);
      interval_ms = std::min(interval_ms * 2, kMaxSampleMs);
      next_sample_ms = MillisSince(t0) + interval_ms;
      continue;
    }
    if (sig != SIGCHLD) {
      kill(pid, sig);
      continue;
    }
    // Ended (not stopped)? Peek without reaping: a zombie still shows its
    // /proc/<pid>/io.
    siginfo_t si{};
    if (waitid(P_PID, static_cast<id_t>(pid), &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == pid) break;
  }
  out->usage.realtime_ms = MillisSince(t0);
  ReadUsageReport("/proc/" + std::to_string(pid) + "/io", &out->usage);
  int status = 0;
  struct rusage ru;
  pid_t got;
  while ((got = wait4(pid, &status, 0, &ru)) < 0 && errno == EINTR) {
  }
  restore();
  if (got == pid) UsageFromRusage(ru, &out->usage);
  if (have_proc) {  // a task too short to be sampled still had its own process
    out->usage.peak_procs = std::max<int64_t>(peak_procs, 1);
    out->usage.peak_threads = std::max<int64_t>(peak_threads, 1);
  }
  out->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 1;
  return Status::Ok();
}

}  // namespace ferry
