#include "slurm/command_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

extern char** environ;

namespace ferry::slurm {

namespace {

int64_t SteadyMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

void CloseFd(int* fd) {
  if (*fd >= 0) ::close(*fd);
  *fd = -1;
}

// Three pipes (stdin, stdout, stderr), each end closed on exec.
struct Pipes {
  int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
  bool Open() { return ::pipe2(in, O_CLOEXEC) == 0 && ::pipe2(out, O_CLOEXEC) == 0 && ::pipe2(err, O_CLOEXEC) == 0; }
  ~Pipes() {
    for (int* p : {in, out, err}) {
      CloseFd(&p[0]);
      CloseFd(&p[1]);
    }
  }
};

}  // namespace

Status ProcessCommandRunner::Run(const std::vector<std::string>& argv, const std::string& input, CommandOutput* out) {
  *out = CommandOutput{};
  if (argv.empty()) return Status::Failed("no command given");
  Pipes p;
  if (!p.Open()) return Status::Failed("cannot run " + argv[0] + ": " + std::strerror(errno));
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, p.in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, p.out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, p.err[1], 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // The command must not see ferry's Ctrl-C handling: default signals, and
  // a group of its own so the terminal's Ctrl-C reaches only ferry, which
  // then runs scancel itself.
  sigset_t empty, defaults;
  sigemptyset(&empty);
  sigemptyset(&defaults);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGCHLD}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = ::posix_spawnp(&pid, argv[0].c_str(), &fa, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    if (rc == ENOENT) return Status::NotFound(argv[0] + " not found on PATH");
    return Status::Failed("cannot run " + argv[0] + ": " + std::strerror(rc));
  }
  ++count_;
  CloseFd(&p.in[0]);
  CloseFd(&p.out[1]);
  CloseFd(&p.err[1]);
  if (input.empty()) CloseFd(&p.in[1]);
  else ::fcntl(p.in[1], F_SETFL, O_NONBLOCK);
  size_t written = 0;
  int64_t deadline = SteadyMs() + timeout_ms_;
  bool killed = false;
  while (p.out[0] >= 0 || p.err[0] >= 0) {
    pollfd fds[3];
    int n = 0;
    for (int fd : {p.out[0], p.err[0]})
      if (fd >= 0) fds[n++] = {fd, POLLIN, 0};
    if (p.in[1] >= 0) fds[n++] = {p.in[1], POLLOUT, 0};
    int64_t left = deadline - SteadyMs();
    if (left <= 0) {
      ::kill(pid, SIGKILL);
      killed = true;
      break;
    }
    int r = ::poll(fds, n, static_cast<int>(left));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) break;
    for (int i = 0; i < n; ++i) {
      if (!fds[i].revents) continue;
      if (fds[i].fd == p.in[1]) {
        ssize_t w = ::write(p.in[1], input.data() + written, input.size() - written);
        if (w > 0) written += static_cast<size_t>(w);
        if (w < 0 && errno != EAGAIN && errno != EINTR) written = input.size();
        if (written >= input.size()) CloseFd(&p.in[1]);
        continue;
      }
      char buf[65536];
      ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      std::string* into = fds[i].fd == p.out[0] ? &out->out : &out->err;
      if (got <= 0) {
        CloseFd(fds[i].fd == p.out[0] ? &p.out[0] : &p.err[0]);
      } else {
        into->append(buf, static_cast<size_t>(got));
      }
    }
  }
  CloseFd(&p.in[1]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (killed) return Status::Failed(argv[0] + " did not answer within " + std::to_string(timeout_ms_ / 1000) + " s");
  out->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return Status::Ok();
}

}  // namespace ferry::slurm
