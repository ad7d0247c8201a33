#include "util/process_identity.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

namespace ferry {
namespace {

TEST(ProcessIdentityTest, ParsesStartTimeAfterTheLastParenthesis) {
  // A command name with spaces and ") " inside must not shift the fields.
  const char stat[] =
      "4242 (a ) b (c)) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10 "
      "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
  uint64_t start = 0;
  bool zombie = true;
  ASSERT_TRUE(ParseProcStat(stat, &start, &zombie));
  EXPECT_EQ(start, 987654u);
  EXPECT_FALSE(zombie);
}

TEST(ProcessIdentityTest, ZombieAndGarbage) {
  uint64_t start = 0;
  bool zombie = false;
  ASSERT_TRUE(ParseProcStat("7 (x) Z 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 55 0 0", &start, &zombie));
  EXPECT_TRUE(zombie);
  EXPECT_EQ(start, 55u);
  EXPECT_FALSE(ParseProcStat("no parenthesis here", &start, &zombie));
  EXPECT_FALSE(ParseProcStat("7 (x) S 1 2 3", &start, &zombie));  // too few fields
  EXPECT_FALSE(ParseProcStat("7 (x) S 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5x5 0", &start, &zombie));
}

TEST(ProcessIdentityTest, SelfStillRunningButNotWithAnotherStartTime) {
  ProcessIdentity self = SelfIdentity();
  EXPECT_EQ(self.pid, getpid());
  ASSERT_GT(self.start_time, 0u);
  EXPECT_TRUE(StillRunning(self));
  // Same pid, other start time: what a recycled pid looks like.
  ProcessIdentity recycled = self;
  recycled.start_time += 1;
  EXPECT_FALSE(StillRunning(recycled));
  ProcessIdentity unknown = self;
  unknown.start_time = 0;
  EXPECT_FALSE(StillRunning(unknown));
}

TEST(ProcessIdentityTest, EndedProcessIsGoneZombieOrReaped) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[1]);
    char c;
    ssize_t n = read(fds[0], &c, 1);  // until the parent closes its end
    _exit(n == 0 ? 0 : 1);
  }
  close(fds[0]);
  ProcessIdentity id;
  ASSERT_TRUE(ReadProcessIdentity(child, &id));
  EXPECT_TRUE(StillRunning(id));
  close(fds[1]);
  // Ended but not reaped (a zombie): gone already.
  bool gone = false;
  for (int i = 0; i < 400 && !gone; ++i) {
    gone = !StillRunning(id);
    if (!gone) usleep(5000);
  }
  EXPECT_TRUE(gone);
  int st;
  ASSERT_EQ(waitpid(child, &st, 0), child);
  EXPECT_FALSE(StillRunning(id));
  ProcessIdentity after;
  EXPECT_FALSE(ReadProcessIdentity(child, &after));
}

}  // namespace
}  // namespace ferry
