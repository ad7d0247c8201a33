#include "awsemu/job_runner.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>

namespace awsemu {
namespace {

TEST(TakeLines, SplitsKeepsRestAndCutsLongLines) {
  std::string buf = "one\r\ntwo\n\nrest";
  EXPECT_EQ(TakeLines(&buf, 100), (std::vector<std::string>{"one", "two", ""}));
  EXPECT_EQ(buf, "rest");
  std::string longline = "abcdefg\n";
  EXPECT_EQ(TakeLines(&longline, 3), (std::vector<std::string>{"abc", "def", "g"}));
}

// Runs processes for real: output arrives as lines, exit codes and signals
// as Docker reports them, and a kill reaches the whole process group.
TEST(JobRunner, RunsCapturesAndReaps) {
  JobRunner runner;
  JobSpawnSpec ok{{"/bin/sh", "-c", "echo out; echo err >&2; printf tail; exit 4"}, {"PATH=/usr/bin:/bin"}, "/", {}};
  JobSpawnSpec killed{{"/bin/sh", "-c", "sleep 30 & sleep 30"}, {"PATH=/usr/bin:/bin"}, "/", {}};
  ASSERT_EQ(runner.Start(1, ok), "");
  ASSERT_EQ(runner.Start(2, killed), "");
  EXPECT_NE(runner.Start(3, {{"/no/such/binary"}, {}, "/", {}}), "");

  std::vector<JobRunner::Line> lines;
  std::vector<JobRunner::Exit> exits;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  bool signalled = false;
  while (exits.size() < 2 && std::chrono::steady_clock::now() < deadline) {
    runner.Poll(50, &lines, &exits);
    if (!signalled && exits.size() == 1) {
      runner.Signal(2, SIGKILL);
      signalled = true;
    }
  }
  ASSERT_EQ(exits.size(), 2u);
  EXPECT_EQ(exits[0].id, 1u);
  EXPECT_EQ(exits[0].exit_code, 4);
  EXPECT_EQ(exits[1].id, 2u);
  EXPECT_EQ(exits[1].exit_code, 128 + SIGKILL);
  std::vector<std::string> texts;
  for (const auto& l : lines)
    if (l.id == 1) texts.push_back(l.text);
  EXPECT_EQ(texts, (std::vector<std::string>{"out", "err", "tail"}));
  EXPECT_EQ(runner.running(), 0u);
}

// A job with a signal command (a container: its processes are not in the
// job's group) is signalled by running that command with the signal's
// number, not with kill(2); the job itself goes on until the command acts.
TEST(JobRunner, SignalCommandReplacesKill) {
  char dir[] = "/tmp/job-runner-test-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string got = std::string(dir) + "/signal";
  JobRunner runner;
  JobSpawnSpec spec{{"/bin/sh", "-c", "sleep 30"},
                    {"PATH=/usr/bin:/bin", "OUT=" + got},
                    "/",
                    {"/bin/sh", "-c", "echo {signal} > \"$OUT\""}};
  ASSERT_EQ(runner.Start(1, spec), "");
  runner.Signal(1, SIGKILL);
  std::vector<JobRunner::Line> lines;
  std::vector<JobRunner::Exit> exits;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (access(got.c_str(), F_OK) != 0 && std::chrono::steady_clock::now() < deadline) runner.Poll(20, &lines, &exits);
  runner.Poll(200, &lines, &exits);
  EXPECT_TRUE(exits.empty());  // SIGKILL went to the command, not the job
  EXPECT_EQ(runner.running(), 1u);
  FILE* f = fopen(got.c_str(), "r");
  ASSERT_NE(f, nullptr);
  char buf[16] = {};
  ASSERT_NE(fgets(buf, sizeof buf, f), nullptr);
  fclose(f);
  EXPECT_EQ(std::string(buf), std::to_string(SIGKILL) + "\n");
  runner.KillAll();
  EXPECT_EQ(runner.running(), 0u);
  unlink(got.c_str());
  rmdir(dir);
}

}  // namespace
}  // namespace awsemu
