#include "util/interrupt.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>

namespace ferry {
namespace {

bool Readable(int fd, int timeout_ms) {
  pollfd p = {fd, POLLIN, 0};
  return poll(&p, 1, timeout_ms) == 1 && (p.revents & POLLIN);
}

TEST(InterruptTest, SignalsAreCountedAndWakeThePipe) {
  InstallInterruptHandlers();
  int fd = InterruptFd();
  InstallInterruptHandlers();  // idempotent
  EXPECT_EQ(InterruptFd(), fd);
  ResetInterruptsForTest();
  ASSERT_GE(InterruptFd(), 0);
  EXPECT_EQ(InterruptCount(), 0);
  EXPECT_FALSE(Readable(InterruptFd(), 0));

  raise(SIGINT);  // would kill the test process without the handler
  EXPECT_EQ(InterruptCount(), 1);
  EXPECT_TRUE(Readable(InterruptFd(), 1000));

  raise(SIGTERM);
  raise(SIGHUP);
  EXPECT_EQ(InterruptCount(), 3);

  DrainInterruptFd();
  EXPECT_FALSE(Readable(InterruptFd(), 0));
  EXPECT_EQ(InterruptCount(), 3);  // draining keeps the count

  ResetInterruptsForTest();
  EXPECT_EQ(InterruptCount(), 0);
}

TEST(InterruptTest, ManySignalsNeverBlockTheHandler) {
  InstallInterruptHandlers();
  ResetInterruptsForTest();
  // More signals than a pipe buffer holds bytes would block a blocking write.
  for (int i = 0; i < 70000; ++i) raise(SIGINT);
  EXPECT_EQ(InterruptCount(), 70000);
  EXPECT_TRUE(Readable(InterruptFd(), 0));
  DrainInterruptFd();
  EXPECT_FALSE(Readable(InterruptFd(), 0));
  ResetInterruptsForTest();
}

}  // namespace
}  // namespace ferry
