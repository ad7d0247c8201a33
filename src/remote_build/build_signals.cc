#include "remote_build/build_signals.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

namespace ferry::remote_build {

namespace {

std::atomic<int> g_interrupts{0};
std::atomic<int> g_detaches{0};
int g_pipe[2] = {-1, -1};
bool g_installed = false;

void OnSignal(int sig) {
  int saved = errno;
  if (sig == SIGINT) g_interrupts.fetch_add(1);
  else g_detaches.fetch_add(1);
  if (g_pipe[1] >= 0) {
    char b = 1;
    ssize_t n = ::write(g_pipe[1], &b, 1);
    (void)n;
  }
  errno = saved;
}

}  // namespace

void InstallBuildSignalHandlers() {
  if (g_installed) return;
  if (::pipe2(g_pipe, O_CLOEXEC | O_NONBLOCK) != 0) g_pipe[0] = g_pipe[1] = -1;
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  for (int sig : {SIGINT, SIGTSTP, SIGHUP}) sigaction(sig, &sa, nullptr);
  g_installed = true;
}

void RestoreBuildSignalHandlers() {
  if (!g_installed) return;
  for (int sig : {SIGINT, SIGTSTP, SIGHUP}) signal(sig, SIG_DFL);
  g_installed = false;
}

int BuildSignalFd() { return g_pipe[0]; }

PendingSignals TakeBuildSignals() {
  if (g_pipe[0] >= 0) {
    char buf[64];
    while (::read(g_pipe[0], buf, sizeof buf) > 0) {
    }
  }
  PendingSignals p;
  p.interrupts = g_interrupts.exchange(0);
  p.detaches = g_detaches.exchange(0);
  return p;
}

CancelPolicy::Action CancelPolicy::OnInterrupt(int64_t now_ms) {
  if (canceling_) return Action::kExit;
  if (on_terminal_ && (warned_at_ < 0 || now_ms - warned_at_ > window_ms_)) {
    warned_at_ = now_ms;
    return Action::kWarn;
  }
  canceling_ = true;
  return Action::kCancel;
}

}  // namespace ferry::remote_build
