#include "store/run_lock.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "util/temp_dir_testing.h"

extern char** environ;

namespace ferry {
namespace {

class RunLockTest : public testing::TempDirTest {
 protected:
  std::string Path() const { return RunLockPath(dir()); }

  static LockHolder Me(const std::string& name = "") {
    return LockHolder{"run", name, static_cast<int64_t>(::getpid()), 1700000000000};
  }
};

TEST_F(RunLockTest, SecondAcquireIsRefusedNamingTheHolder) {
  std::unique_ptr<RunLock> first;
  ASSERT_TRUE(RunLock::Acquire(Path(), dir(), Me(), &first).ok());
  ASSERT_TRUE(first->SetName("brave_turing").ok());

  std::unique_ptr<RunLock> second;
  LockHolder holder;
  Status st = RunLock::Acquire(Path(), dir(), Me("other"), &second, &holder);
  EXPECT_EQ(st.exit_code(), 2);
  EXPECT_EQ(second, nullptr);
  const std::string pid = std::to_string(::getpid());
  EXPECT_NE(
      st.message().find("another ferry run is running in " + dir() + ": run brave_turing, pid " + pid + ", started "),
      std::string::npos)
      << st.message();
  EXPECT_NE(st.message().find("wait for it or stop it (kill " + pid + ")"), std::string::npos) << st.message();
  EXPECT_EQ(holder.name, "brave_turing");
  EXPECT_EQ(holder.pid, ::getpid());
  EXPECT_EQ(holder.start_ms, 1700000000000);
}

TEST_F(RunLockTest, ReleasedWhenTheHolderLetsGo) {
  std::unique_ptr<RunLock> first;
  ASSERT_TRUE(RunLock::Acquire(Path(), dir(), Me("a"), &first).ok());
  first.reset();
  std::unique_ptr<RunLock> second;
  EXPECT_TRUE(RunLock::Acquire(Path(), dir(), Me("b"), &second).ok());
  LockHolder h;
  ASSERT_TRUE(ParseLockHolder(testing::Slurp(Path()), &h));
  EXPECT_EQ(h.name, "b");
}

TEST_F(RunLockTest, AnotherProcessHoldsItUntilKilled) {
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::unique_ptr<RunLock> lock;
    LockHolder me{"run", "held_by_child", static_cast<int64_t>(::getpid()), 1700000000000};
    bool ok = RunLock::Acquire(Path(), dir(), me, &lock).ok();
    (void)!::write(ready[1], ok ? "y" : "n", 1);
    for (;;) ::pause();
  }
  ::close(ready[1]);
  char c = 0;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  ::close(ready[0]);
  ASSERT_EQ(c, 'y');

  std::unique_ptr<RunLock> mine;
  LockHolder holder;
  Status st = RunLock::Acquire(Path(), dir(), Me("mine"), &mine, &holder);
  EXPECT_EQ(st.exit_code(), 2);
  EXPECT_EQ(holder.pid, child);
  EXPECT_EQ(holder.name, "held_by_child");
  EXPECT_NE(st.message().find("(kill " + std::to_string(child) + ")"), std::string::npos) << st.message();

  // SIGKILL: nothing of the child runs, and the kernel still lets go.
  ::kill(child, SIGKILL);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(RunLock::Acquire(Path(), dir(), Me("mine"), &mine).ok());
  LockHolder now;
  ASSERT_TRUE(ParseLockHolder(testing::Slurp(Path()), &now));
  EXPECT_EQ(now.pid, ::getpid());
  EXPECT_EQ(now.name, "mine");
}

TEST_F(RunLockTest, ProgramsStartedWhileHoldingDoNotKeepIt) {
  std::unique_ptr<RunLock> first;
  ASSERT_TRUE(RunLock::Acquire(Path(), dir(), Me("a"), &first).ok());
  pid_t sleeper = 0;
  char sleep_prog[] = "sleep", secs[] = "30";
  char* argv[] = {sleep_prog, secs, nullptr};
  ASSERT_EQ(::posix_spawnp(&sleeper, "sleep", nullptr, nullptr, argv, environ), 0);
  first.reset();  // ferry ends while its task still runs
  std::unique_ptr<RunLock> second;
  Status st = RunLock::Acquire(Path(), dir(), Me("b"), &second);
  ::kill(sleeper, SIGKILL);
  ::waitpid(sleeper, nullptr, 0);
  EXPECT_TRUE(st.ok()) << st.message();
}

TEST_F(RunLockTest, ContentOfADeadHolderIsReplaced) {
  std::filesystem::create_directories(dir() + "/.ferry");
  std::ofstream(Path()) << "command=run\nname=a_much_longer_name_of_a_dead_run\npid=99999999\nstart_ms=1\nextra=x\n";
  std::unique_ptr<RunLock> lock;
  ASSERT_TRUE(RunLock::Acquire(Path(), dir(), Me(), &lock).ok());
  EXPECT_EQ(testing::Slurp(Path()), FormatLockHolder(Me()));
}

TEST(LockHolderText, RoundTripsAndRefusesAHalfWrittenFile) {
  LockHolder h{"build", "job-123", 4242, 1700000000123};
  const std::string text = FormatLockHolder(h);
  LockHolder back;
  ASSERT_TRUE(ParseLockHolder(text, &back));
  EXPECT_EQ(back.command, "build");
  EXPECT_EQ(back.name, "job-123");
  EXPECT_EQ(back.pid, 4242);
  EXPECT_EQ(back.start_ms, 1700000000123);
  // Every proper prefix is a file still being written: not a holder yet.
  for (size_t n = 0; n < text.size(); ++n) EXPECT_FALSE(ParseLockHolder(text.substr(0, n), &back)) << n;
  EXPECT_FALSE(ParseLockHolder("pid=abc\nstart_ms=1\n", &back));
}

TEST(LockBusyText, SaysWhatIsKnown) {
  Status build = LockBusy("/data/proj", LockHolder{"build", "job-7", 12, 0});
  EXPECT_EQ(build.exit_code(), 2);
  EXPECT_EQ(build.message(),
            "another ferry build is running in /data/proj: job job-7, pid 12; wait for it or stop it "
            "(kill 12)");
  Status unknown = LockBusy("/data/proj", LockHolder{});
  EXPECT_EQ(unknown.exit_code(), 2);
  EXPECT_NE(unknown.message().find("another ferry is running in /data/proj"), std::string::npos);
}

}  // namespace
}  // namespace ferry
