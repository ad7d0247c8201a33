#include "executor/local_executor.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "executor/spawn_setup.h"
#include "executor/usage_report.h"
#include "util/interrupt.h"
#include "util/sys_error.h"
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
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int64_t EpochMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
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

// Whether a script uses $$, which a zygote's subshell would answer with the
// zygote's pid: such tasks get a bash of their own.
bool MentionsShellPid(std::string_view script) {
  return script.find("$$") != std::string_view::npos || script.find("${$}") != std::string_view::npos;
}

// The same for a script file (a missing file mentions nothing).
bool FileMentionsShellPid(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  std::string text;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
  close(fd);
  return MentionsShellPid(text);
}

bool ZygotesWanted() {
  const char* v = std::getenv("FERRY_LOCAL_ZYGOTE");
  return !(v && std::strcmp(v, "0") == 0);
}

}  // namespace

LocalExecutor::LocalExecutor() {
  InstallSigchld();
  seen_child_events_ = g_child_events.load();
  seen_interrupts_ = InterruptCount();
  use_zygotes_ = ZygotesWanted();
}

LocalExecutor::~LocalExecutor() {
  for (auto& [id, r] : running_) Signal(&r, SIGKILL);
  for (auto& [pid, id] : direct_) {
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
  }
  // Each zygote SIGKILLs whatever it reports starting meanwhile, then exits
  // once its (killed) task has ended.
  for (auto& z : zygotes_) z->shell->Stop();
  ledger_.reset();  // nothing of ours runs any more
}

Status LocalExecutor::Submit(const TaskRun& run) {
  if (run.work_dir.empty() || run.work_dir[0] != '/')
    return Status::Invalid("task '" + run.name + "': work dir must be an absolute path, got '" + run.work_dir + "'");
  if (running_.count(run.id))
    return Status::Invalid("task '" + run.name + "' (id " + std::to_string(run.id) + ") is already running");

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
  if (stat(wrapper.c_str(), &sb) != 0) return fail("cannot start task: " + wrapper + ": " + ErrnoText(errno));
  unlink((run.work_dir + "/.exitcode").c_str());

  Running r;
  r.work_dir = run.work_dir;
  r.time_limit_ms = run.time_limit_ms;
  r.submit_ms = submit_ms;
  Zygote* z = nullptr;
  // The engine passes the script; without it, look at the files bash reads.
  bool uses_pid = run.script.empty()
                      ? FileMentionsShellPid(run.work_dir + "/.command.sh") || FileMentionsShellPid(wrapper)
                      : MentionsShellPid(run.script);
  if (use_zygotes_) z = IdleZygote(run);
  if (z) {
    r.start_ms = EpochMs();
    r.start_steady_ms = SteadyMs();
    if (z->shell->Launch(run.work_dir, uses_pid).ok()) {
      r.zygote = z;
      z->busy = true;
      z->task = run.id;
    } else {
      ZygoteGone(z);  // it died while idle; start this task directly
      z = nullptr;
    }
  }
  if (!z) {
    Status st = SpawnDirect(run, &r);
    if (!st.ok()) return fail(st.message());
  }
  if (ledger_ && r.pgid > 0) {
    ledger_->Started(r.pgid);
    r.in_ledger = true;
  } else if (ledger_) {
    unrecorded_.push_back({SteadyMs() + kRecordAfterMs, run.id});
  }
  auto [it, inserted] = running_.emplace(run.id, std::move(r));
  (void)inserted;
  if (run.time_limit_ms > 0) SetTimer(run.id, &it->second, SteadyMs() + run.time_limit_ms);
  return Status::Ok();
}

Status LocalExecutor::SpawnDirect(const TaskRun& run, Running* r) {
  SpawnSetup s;
  const std::string launch_log = run.work_dir + "/.command.log";
  posix_spawn_file_actions_addchdir_np(&s.fa, run.work_dir.c_str());
  posix_spawn_file_actions_addopen(&s.fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&s.fa, 1, launch_log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&s.fa, 1, 2);
  // Tasks must not inherit ferry's sockets, database or pipes.
  posix_spawn_file_actions_addclosefrom_np(&s.fa, 3);

  std::vector<std::string> env = BuildEnv(run.env);
  std::vector<char*> envp;
  envp.reserve(env.size() + 1);
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  char arg0[] = "/bin/bash";
  char arg1[] = ".command.run";
  char* argv[] = {arg0, arg1, nullptr};

  pid_t pid = -1;
  // Stamped before the spawn: once the child runs, this thread may not get
  // the CPU back for a while, and the task's time would come out short.
  r->start_ms = EpochMs();
  r->start_steady_ms = SteadyMs();
  int err = posix_spawn(&pid, "/bin/bash", &s.fa, &s.attr, argv, envp.data());
  if (err != 0) return Status::Failed("cannot start task in " + run.work_dir + ": " + ErrnoText(err));
  r->pgid = pid;
  direct_[pid] = run.id;
  return Status::Ok();
}

LocalExecutor::Zygote* LocalExecutor::IdleZygote(const TaskRun& run) {
  Zygote* other_env = nullptr;
  for (auto& z : zygotes_) {
    if (z->busy) continue;
    if (z->env == run.env) return z.get();
    other_env = z.get();
  }
  // Keep no more zygotes than tasks ever ran at once: an idle one started
  // for another environment makes room.
  if (other_env) ZygoteGone(other_env);
  std::unique_ptr<ShellZygote> shell;
  if (!ShellZygote::Spawn(BuildEnv(run.env), &shell).ok()) return nullptr;
  auto z = std::make_unique<Zygote>();
  z->shell = std::move(shell);
  z->env = run.env;
  zygotes_.push_back(std::move(z));
  return zygotes_.back().get();
}

void LocalExecutor::Signal(Running* r, int sig) {
  if (r->pgid == 0 && r->zygote) r->pgid = r->zygote->shell->TaskPid();
  if (r->pgid > 0) {
    kill(-r->pgid, sig);
  } else if (sig == SIGKILL || r->pending_signal == 0) {
    r->pending_signal = sig;  // sent when the zygote reports the pid
  }
}

void LocalExecutor::SetTimer(uint64_t id, Running* r, int64_t at) {
  if (r->timer_at) timers_.erase({r->timer_at, id});
  r->timer_at = at;
  if (at) timers_.insert({at, id});
}

void LocalExecutor::Finish(uint64_t id, int exit_code, const char* launcher_died, const TaskUsage* reaped) {
  auto it = running_.find(id);
  if (it == running_.end()) return;
  Running& r = it->second;
  TaskResult res;
  res.id = id;
  res.native_id = std::to_string(r.pgid);
  res.submit_ms = r.submit_ms;
  res.start_ms = r.start_ms;
  res.end_ms = EpochMs();
  // A direct child's figures come from wait4; a task in a zygote sent its
  // own record as it exited (bash_builtin/ferry_usage.c).
  std::string record;
  if (reaped) res.usage = *reaped;
  else if (r.zygote && r.pgid > 0 && r.zygote->shell->TakeUsage(r.pgid, &record)) ParseUsageReport(record, &res.usage);
  if (r.start_steady_ms > 0) res.usage.realtime_ms = SteadyMs() - r.start_steady_ms;
  if (!ReadExitFile(r.work_dir, &res.exit_code)) res.exit_code = exit_code;
  if (r.timed_out) {
    res.outcome = TaskResult::Outcome::kTimedOut;
    res.message = "exceeded time limit of " + FormatDuration(r.time_limit_ms);
    // The wrapper's EXIT trap runs as the signal ends it, while the command
    // it was waiting for is not yet reaped, so .exitcode often says 0. The
    // task was killed: report the signal's status as the shell would
    // (128 + signal: 143 for TERM, 137 for KILL), also when the script
    // trapped TERM and exited on its own.
    res.exit_code = exit_code > 128 ? exit_code : 128 + r.timeout_signal;
  } else if (r.aborting) {
    res.outcome = TaskResult::Outcome::kAborted;
    res.message = "aborted";
  } else if (launcher_died) {
    res.outcome = TaskResult::Outcome::kSubmitFailed;
    res.message = launcher_died;
  }
  // The leader is gone; take down anything it left running in its group.
  // (A task whose launcher died is killed by the launcher's Stop, which
  // knows its pid.)
  if (r.pgid > 0 && (r.timed_out || r.aborting || launcher_died)) kill(-r.pgid, SIGKILL);
  if (r.in_ledger) ledger_->Ended(r.pgid);
  SetTimer(id, &r, 0);
  if (r.zygote) r.zygote->busy = false;
  else if (r.pgid > 0) direct_.erase(r.pgid);
  running_.erase(it);
  done_.push_back(std::move(res));
}

int64_t LocalExecutor::RecordInLedger(int64_t now) {
  while (!unrecorded_.empty() && unrecorded_.front().first <= now) {
    uint64_t id = unrecorded_.front().second;
    unrecorded_.pop_front();
    auto it = running_.find(id);
    if (it == running_.end() || it->second.in_ledger) continue;
    Running& r = it->second;
    if (r.pgid == 0 && r.zygote) r.pgid = r.zygote->shell->TaskPid();
    if (r.pgid > 0) {
      ledger_->Started(r.pgid);
      r.in_ledger = true;
    } else {
      unrecorded_.push_back({now + kRecordAfterMs, id});  // its zygote has not said yet
    }
  }
  return unrecorded_.empty() ? 0 : unrecorded_.front().first;
}

pid_t LocalExecutor::ReapDirect(pid_t pid, int flags, int* status, TaskUsage* usage) {
  struct rusage ru;
  pid_t got;
  while ((got = wait4(pid, status, flags, &ru)) < 0 && errno == EINTR) {
  }
  if (got == pid) UsageFromRusage(ru, usage);
  return got;
}

void LocalExecutor::ScanDirectChildren() {
  struct Exited {
    pid_t pid;
    int status;
    TaskUsage usage;
  };
  std::vector<Exited> exited;
  for (auto& [pid, id] : direct_) {
    Exited e{pid, 0, {}};
    if (ReapDirect(pid, WNOHANG, &e.status, &e.usage) == pid) exited.push_back(e);
  }
  for (auto& e : exited) Finish(direct_.at(e.pid), ExitCodeFromWaitStatus(e.status), nullptr, &e.usage);
}

void LocalExecutor::ReapSome() {
  seen_child_events_ = g_child_events.load();
  // Peek (WNOWAIT) at whichever child exited: if it is ours, reap just that
  // one, which keeps the cost per exit O(1) with thousands running. A child
  // that is not ours is left for its owner, and we fall back to checking
  // each of ours.
  for (;;) {
    siginfo_t si;
    std::memset(&si, 0, sizeof si);
    if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) != 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (si.si_pid == 0) break;
    auto d = direct_.find(si.si_pid);
    Zygote* dead_zygote = nullptr;
    if (d == direct_.end()) {
      for (auto& z : zygotes_)
        if (z->shell->pid() == si.si_pid) dead_zygote = z.get();
      if (!dead_zygote) {
        ScanDirectChildren();
        break;
      }
    }
    int st;
    TaskUsage usage;
    // A direct child's I/O counters (its reaped descendants' included) are
    // readable only until it is reaped.
    if (!dead_zygote) ReadUsageReport("/proc/" + std::to_string(si.si_pid) + "/io", &usage);
    if (ReapDirect(si.si_pid, WNOHANG, &st, &usage) != si.si_pid) break;
    if (dead_zygote) {
      dead_zygote->shell->MarkReaped();
      ZygoteOutput(dead_zygote);  // its last reports, then its end
    } else {
      Finish(d->second, ExitCodeFromWaitStatus(st), nullptr, &usage);
    }
  }
}

void LocalExecutor::ZygoteOutput(Zygote* z) {
  std::vector<ShellZygote::Exit> exits;
  bool alive = z->shell->ReadExits(&exits);
  for (const auto& e : exits) {
    auto it = z->busy ? running_.find(z->task) : running_.end();
    if (it == running_.end()) continue;
    it->second.pgid = e.pid;
    Finish(z->task, e.status);
  }
  if (!alive) ZygoteGone(z);
}

void LocalExecutor::SendPendingSignal(Zygote* z) {
  auto it = z->busy ? running_.find(z->task) : running_.end();
  if (it == running_.end() || !it->second.pending_signal) return;
  Running& r = it->second;
  r.pgid = z->shell->TaskPid();
  if (r.pgid > 0) {
    kill(-r.pgid, r.pending_signal);
    r.pending_signal = 0;
  }
}

void LocalExecutor::ZygoteGone(Zygote* z) {
  if (z->busy) Finish(z->task, -1, "the bash that started the task (a ferry task launcher) exited unexpectedly");
  z->shell->Stop();
  for (auto it = zygotes_.begin(); it != zygotes_.end(); ++it) {
    if (it->get() == z) {
      zygotes_.erase(it);
      break;
    }
  }
}

int LocalExecutor::WaitForEvents(int timeout_ms) {
  // Each zygote's exit reports; the pid of a task with a signal waiting for it.
  std::vector<pollfd> fds = {{g_chld_read, POLLIN, 0}, {InterruptFd(), POLLIN, 0}};
  std::vector<std::pair<Zygote*, bool>> owners;  // (zygote, is its pid fd)
  for (auto& z : zygotes_) {
    fds.push_back({z->shell->exit_fd(), POLLIN, 0});
    owners.push_back({z.get(), false});
    auto it = z->busy ? running_.find(z->task) : running_.end();
    if (it != running_.end() && it->second.pending_signal) {
      fds.push_back({z->shell->pid_fd(), POLLIN, 0});
      owners.push_back({z.get(), true});
    }
  }
  int n = poll(fds.data(), fds.size(), std::max(0, timeout_ms));
  if (n <= 0) return n;
  if (fds[0].revents & POLLIN) DrainFd(g_chld_read);
  if (fds[1].revents & POLLIN) DrainInterruptFd();
  // Pids first (a signal goes out before the task's end is handled); collect
  // the zygotes to read before reading any: that may remove zygotes.
  std::vector<Zygote*> ended;
  for (size_t i = 2; i < fds.size(); ++i) {
    if (!fds[i].revents) continue;
    if (owners[i - 2].second) {
      SendPendingSignal(owners[i - 2].first);
    } else {
      ended.push_back(owners[i - 2].first);
    }
  }
  for (Zygote* z : ended) ZygoteOutput(z);
  return n;
}

void LocalExecutor::FireTimers(int64_t now) {
  while (!timers_.empty() && timers_.begin()->first <= now) {
    uint64_t id = timers_.begin()->second;
    auto it = running_.find(id);
    if (it == running_.end()) {
      timers_.erase(timers_.begin());
      continue;
    }
    Running& r = it->second;
    r.timeout_signal = r.timed_out ? SIGKILL : SIGTERM;
    Signal(&r, r.timeout_signal);
    SetTimer(id, &r, r.timed_out ? 0 : now + timeout_kill_grace_ms_);
    r.timed_out = true;
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
    if (int64_t due = RecordInLedger(now); due && due < wake) wake = due;
    int n = WaitForEvents(static_cast<int>(std::max<int64_t>(0, wake - now)));
    if (n < 0 && errno != EINTR)
      return Status::Failed(std::string("local executor: poll failed: ") + std::strerror(errno));
    // A missed SIGCHLD (someone replaced our handler) must not hang a task
    // forever: at the end of each wait, look anyway.
    if (n == 0) ReapSome();
  }
}

void LocalExecutor::AbortAll(int grace_ms, std::vector<TaskResult>* aborted) {
  for (auto& r : done_) aborted->push_back(std::move(r));
  done_.clear();
  if (running_.empty()) return;

  for (auto& [id, r] : running_) {
    r.aborting = true;
    Signal(&r, SIGTERM);
  }
  const int64_t deadline = SteadyMs() + std::max(0, grace_ms);
  int interrupts = InterruptCount();
  while (!running_.empty()) {
    ScanDirectChildren();
    int64_t now = SteadyMs();
    if (running_.empty() || now >= deadline || InterruptCount() != interrupts) break;
    // Bounded wait so a SIGCHLD consumed elsewhere costs at most 50 ms.
    WaitForEvents(static_cast<int>(std::min<int64_t>(deadline - now, 50)));
  }
  seen_interrupts_ = InterruptCount();
  for (auto& [id, r] : running_) Signal(&r, SIGKILL);
  std::vector<std::pair<pid_t, int>> exited;
  for (auto& [pid, id] : direct_) {
    int st = 0;
    TaskUsage unused;
    ReapDirect(pid, 0, &st, &unused);  // killed: what it used so far is not its usage
    exited.push_back({pid, st});
  }
  for (auto& [pid, st] : exited) Finish(direct_.at(pid), ExitCodeFromWaitStatus(st));
  // Tasks in zygotes: killed (or killed as soon as their pid arrives); their
  // zygotes report the end promptly. One that does not within 5 s is
  // stopped, failing its task.
  const int64_t kill_deadline = SteadyMs() + 5000;
  while (!running_.empty()) {
    int64_t left = kill_deadline - SteadyMs();
    if (left <= 0) {
      std::vector<Zygote*> stuck;
      for (auto& z : zygotes_)
        if (z->busy) stuck.push_back(z.get());
      for (Zygote* z : stuck) ZygoteGone(z);
      break;
    }
    WaitForEvents(static_cast<int>(std::min<int64_t>(left, 50)));
  }
  for (auto& r : done_) aborted->push_back(std::move(r));
  done_.clear();
}

}  // namespace ferry
