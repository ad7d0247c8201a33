#include "executor/shell_zygote.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include "executor/spawn_setup.h"

namespace ferry {

// cmake/EmbedFile.cmake's output: src/executor/bash_builtin/ferry_usage.c built.
extern const unsigned char kUsageBuiltin[];
extern const size_t kUsageBuiltin_size;

namespace {

// The zygote's program. The task's subshell turns job control off again
// (`set -m` would give each of the task's background jobs a process group of
// its own, out of reach of the executor's kill), closes the pid pipe, and
// unsets the zygote's variables (the task must not see any of them).
// A command is one letter and the work dir: `s` sources .command.run in the
// subshell, `x` execs `/bin/bash .command.run` there instead (a script that
// uses $$ gets a bash of its own, whose $$ is its pid, as when run by hand).
// A plain `wait` (not `wait -f`, which in bash 5.2 can spin forever once a
// quick task's job was already cleaned up) also returns when the task is only
// stopped (status 128 + SIGSTOP/SIGTSTP/SIGTTIN/SIGTTOU, and the process still
// exists): then it waits again, pausing a second on stdin (ferry writes
// nothing there while a task runs) so as not to spin. Job notifications go to
// stderr, /dev/null.
// The zygote loads the ferry_usage builtin from fd 4 (UsageBuiltinFd()), if
// it can, and closes that fd; each task's subshell then arms it with fd 5,
// the usage pipe, so the task sends its usage record there as it exits
// (bash_builtin/ferry_usage.c). Tasks exec'ed as their own bash (`x`) are
// not measured: exec drops the handler.
// The TERM trap is how a task dies with ferry: the kernel sends the zygote
// TERM when ferry ends (PR_SET_PDEATHSIG, set in Spawn), and the trap, which
// bash runs at once even inside `wait` or `read`, KILLs the running task's
// whole process group. `$!` differs from __ferry_zygote_done exactly while a
// task runs (bash sets `$!` as it forks), so an idle zygote signals nothing,
// not even a recycled pid. Subshells reset the trap: tasks do not inherit it.
constexpr char kZygoteProgram[] =
    "trap '[ \"$!\" = \"$__ferry_zygote_done\" ] || kill -KILL -- -\"$!\" 2>/dev/null; exit 143' TERM\n"
    "enable -f /proc/self/fd/4 ferry_usage 2>/dev/null && __ferry_zygote_usage=1\n"
    "exec 4<&-\n"
    "set -m\n"
    "while IFS= read -r -d '' __ferry_zygote_dir; do\n"
    "  __ferry_zygote_mode=${__ferry_zygote_dir:0:1} __ferry_zygote_dir=${__ferry_zygote_dir:1}\n"
    "  ( set +m\n"
    "    [ -n \"${__ferry_zygote_usage-}\" ] && [ \"$__ferry_zygote_mode\" = s ] && ferry_usage 5\n"
    "    exec </dev/null >\"$__ferry_zygote_dir/.command.log\" 2>&1 3>&- 5>&-\n"
    "    cd \"$__ferry_zygote_dir\" || exit 1\n"
    "    [ \"$__ferry_zygote_mode\" = x ] && exec /bin/bash .command.run\n"
    "    unset __ferry_zygote_dir __ferry_zygote_status __ferry_zygote_done __ferry_zygote_mode __ferry_zygote_usage\n"
    "    . ./.command.run\n"
    "  ) &\n"
    "  printf '%d\\n' \"$!\" >&3\n"
    "  wait \"$!\"; __ferry_zygote_status=$?\n"
    "  while [ \"$__ferry_zygote_status\" -ge 147 ] && [ \"$__ferry_zygote_status\" -le 150 ] &&\n"
    "        kill -0 \"$!\" 2>/dev/null; do\n"
    "    read -r -t 1 -d '' __ferry_zygote_dir\n"
    "    wait \"$!\"; __ferry_zygote_status=$?\n"
    "  done\n"
    "  __ferry_zygote_done=$!\n"
    "  printf '%d\\n' \"$__ferry_zygote_status\"\n"
    "done\n";

// A memfd holding the ferry_usage builtin (embedded at build time), made
// once per process; -1 when it cannot be had (tasks then go unmeasured).
int UsageBuiltinFd() {
  static const int fd = [] {
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
    // Kernels that know MFD_EXEC want it said for a file that is mapped
    // executable; older ones refuse the flag.
    int m = memfd_create("ferry_usage", MFD_CLOEXEC | MFD_EXEC);
    if (m < 0) m = memfd_create("ferry_usage", MFD_CLOEXEC);
    if (m < 0) return -1;
    size_t off = 0;
    while (off < kUsageBuiltin_size) {
      ssize_t n = write(m, kUsageBuiltin + off, kUsageBuiltin_size - off);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        close(m);
        return -1;
      }
      off += static_cast<size_t>(n);
    }
    return m;
  }();
  return fd;
}

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Status ShellZygote::Spawn(const std::vector<std::string>& env, std::unique_ptr<ShellZygote>* out) {
  // [0] its stdin, [1] pids (its fd 3), [2] exits (its stdout), [3] usage records (its fd 5)
  int fds[4][2];
  int made = 0;
  for (; made < 4; ++made)
    if (pipe2(fds[made], O_CLOEXEC) != 0) break;
  if (made < 4) {
    int e = errno;
    for (int i = 0; i < made; ++i) {
      close(fds[i][0]);
      close(fds[i][1]);
    }
    return Status::Failed(std::string("cannot create a pipe: ") + std::strerror(e));
  }
  std::vector<char*> envp;
  envp.reserve(env.size() + 1);
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  // $0 is what `bash .command.run` would give the task.
  char arg0[] = "/bin/bash", arg1[] = "-c", arg3[] = ".command.run";
  std::string program = kZygoteProgram;
  char* argv[] = {arg0, arg1, program.data(), arg3, nullptr};

  // fork, not posix_spawn: the child must ask for PR_SET_PDEATHSIG before it
  // execs. Between fork and exec only async-signal-safe calls.
  const int usage_fd = UsageBuiltinFd();
  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    // TERM when the thread that forked it (ferry's run loop) ends; then
    // check that ferry did not end before the request was in place.
    if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent) _exit(127);
    struct sigaction dfl = {};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    for (int sig : kDefaultSignals) sigaction(sig, &dfl, nullptr);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    // Out of the way of the dup2s below, whatever numbers the fds have.
    const int usage_copy = usage_fd >= 0 ? fcntl(usage_fd, F_DUPFD_CLOEXEC, 10) : -1;
    const int report_copy = fcntl(fds[3][1], F_DUPFD_CLOEXEC, 10);
    if (dup2(fds[0][0], 0) < 0 || dup2(fds[2][1], 1) < 0 || dup2(fds[1][1], 3) < 0) _exit(127);
    int null_fd = open("/dev/null", O_WRONLY);
    if (null_fd < 0 || dup2(null_fd, 2) < 0 || chdir("/") != 0) _exit(127);
    if (usage_copy < 0 || dup2(usage_copy, 4) < 0) close(4);
    if (report_copy < 0 || dup2(report_copy, 5) < 0) close(5);
    closefrom(6);
    execve("/bin/bash", argv, envp.data());
    _exit(127);
  }
  int err = pid < 0 ? errno : 0;
  close(fds[0][0]);
  close(fds[1][1]);
  close(fds[2][1]);
  close(fds[3][1]);
  if (err != 0) {
    close(fds[0][1]);
    close(fds[1][0]);
    close(fds[2][0]);
    close(fds[3][0]);
    return Status::Failed(std::string("cannot start /bin/bash: ") + std::strerror(err));
  }
  fcntl(fds[1][0], F_SETFL, O_NONBLOCK);
  fcntl(fds[2][0], F_SETFL, O_NONBLOCK);
  fcntl(fds[3][0], F_SETFL, O_NONBLOCK);
  std::unique_ptr<ShellZygote> z(new ShellZygote());
  z->pid_ = pid;
  z->command_fd_ = fds[0][1];
  z->pid_fd_ = fds[1][0];
  z->exit_fd_ = fds[2][0];
  z->usage_fd_ = fds[3][0];
  *out = std::move(z);
  return Status::Ok();
}

ShellZygote::~ShellZygote() { Stop(); }

Status ShellZygote::Launch(const std::string& work_dir, bool own_shell) {
  if (command_fd_ < 0) return Status::Failed("the task launcher has stopped");
  std::string msg = (own_shell ? "x" : "s") + work_dir;
  msg.push_back('\0');
  // A zygote that died makes the write raise SIGPIPE, fatal by default: block
  // it for the write and take back the one the write raised, so a dead
  // zygote is an EPIPE here (ferry's own SIGPIPE handling is not ours to change).
  sigset_t pipe_only, old_mask, pending;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_only, &old_mask);
  sigpending(&pending);
  const bool was_pending = sigismember(&pending, SIGPIPE);
  int err = 0;
  for (size_t off = 0; off < msg.size();) {
    ssize_t n = write(command_fd_, msg.data() + off, msg.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      err = errno;
      break;
    }
    off += static_cast<size_t>(n);
  }
  if (err == EPIPE && !was_pending) {
    struct timespec zero = {0, 0};
    sigtimedwait(&pipe_only, nullptr, &zero);
  }
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  if (err != 0) return Status::Failed(std::string("cannot reach the task launcher: ") + std::strerror(err));
  return Status::Ok();
}

bool ShellZygote::ReadNumbers(int fd, std::string* partial, std::vector<int>* out) {
  if (fd < 0) return false;
  bool alive = true;
  char buf[256];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      partial->append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    alive = false;  // end of file or a real error
    break;
  }
  size_t start = 0;
  for (size_t nl; (nl = partial->find('\n', start)) != std::string::npos; start = nl + 1)
    out->push_back(std::atoi(partial->c_str() + start));
  partial->erase(0, start);
  return alive;
}

pid_t ShellZygote::TaskPid() {
  if (task_pid_ == 0) {
    std::vector<int> pids;
    ReadNumbers(pid_fd_, &pid_partial_, &pids);
    if (!pids.empty()) task_pid_ = pids.back();
  }
  return task_pid_;
}

bool ShellZygote::ReadExits(std::vector<Exit>* out) {
  std::vector<int> statuses;
  bool alive = ReadNumbers(exit_fd_, &exit_partial_, &statuses);
  // One task at a time: each exit belongs to the task whose pid the zygote
  // wrote (before waiting for it, so it is readable by now).
  for (int st : statuses) {
    out->push_back({TaskPid(), st});
    task_pid_ = 0;
  }
  return alive;
}

bool ShellZygote::TakeUsage(pid_t task, std::string* record) {
  if (usage_fd_ < 0) return false;
  char buf[4096];
  for (;;) {
    ssize_t n = read(usage_fd_, buf, sizeof buf);
    if (n > 0) {
      usage_partial_.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;
  }
  // Whole records end in a blank line; only the task's own counts (a
  // record of an earlier task that ended unread is dropped with it).
  const std::string want = "pid: " + std::to_string(task) + "\n";
  bool found = false;
  size_t end;
  while ((end = usage_partial_.find("\n\n")) != std::string::npos) {
    if (usage_partial_.compare(0, want.size(), want) == 0) {
      *record = usage_partial_.substr(want.size(), end + 1 - want.size());
      found = true;
    }
    usage_partial_.erase(0, end + 2);
  }
  if (usage_partial_.size() > 65536) usage_partial_.clear();  // never a record: no pid line
  return found;
}

void ShellZygote::Stop(int grace_ms) {
  if (pid_ < 0) return;
  if (command_fd_ >= 0) {
    close(command_fd_);
    command_fd_ = -1;
  }
  // A zygote that died on its own (already reaped) gets one pass: a task it
  // started and did not report ended still runs, now an orphan.
  const int64_t deadline = SteadyMs() + (reaped_ ? 0 : grace_ms);
  for (;;) {
    std::vector<Exit> exits;
    bool alive = ReadExits(&exits);
    // A task reported started and not (yet) ended is the zygote's child
    // (or, once the zygote died, an orphan) still, so its pid names its
    // group and nothing else.
    if (pid_t task = TaskPid(); task > 1) kill(-task, SIGKILL);
    int64_t left = deadline - SteadyMs();
    if (!alive || left <= 0) break;
    pollfd p[2] = {{exit_fd_, POLLIN, 0}, {pid_fd_, POLLIN, 0}};
    poll(p, 2, static_cast<int>(left));
  }
  if (!reaped_) {
    kill(pid_, SIGKILL);
    int st;
    while (waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
  }
  for (int* fd : {&pid_fd_, &exit_fd_, &usage_fd_}) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
  }
  pid_ = -1;
}

}  // namespace ferry
