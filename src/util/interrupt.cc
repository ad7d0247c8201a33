#include "util/interrupt.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

namespace ferry {

namespace {
// Lock-free atomics are async-signal-safe; plain globals are set once before
// the handlers are installed.
std::atomic<int> g_count{0};
int g_read_fd = -1;
int g_write_fd = -1;
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void OnInterruptSignal(int) {
  int saved = errno;
  g_count.fetch_add(1, std::memory_order_relaxed);
  char b = 1;
  // Non-blocking: if the pipe is full the loop is already due to wake up.
  ssize_t ignored = write(g_write_fd, &b, 1);
  (void)ignored;
  errno = saved;
}
}  // namespace

void InstallInterruptHandlers() {
  if (g_read_fd >= 0) return;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return;
  g_read_fd = fds[0];
  g_write_fd = fds[1];
  struct sigaction sa = {};
  sa.sa_handler = OnInterruptSignal;
  sigemptyset(&sa.sa_mask);
  // SA_RESTART keeps unrelated blocking calls (file I/O, sqlite) from failing
  // with EINTR; poll() is still woken through the pipe.
  sa.sa_flags = SA_RESTART;
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);
}

int InterruptCount() { return g_count.load(std::memory_order_relaxed); }

int InterruptFd() { return g_read_fd; }

void DrainInterruptFd() {
  if (g_read_fd < 0) return;
  char buf[64];
  while (read(g_read_fd, buf, sizeof buf) > 0) {
  }
}

void ResetInterruptsForTest() {
  DrainInterruptFd();
  g_count.store(0, std::memory_order_relaxed);
}

}  // namespace ferry
