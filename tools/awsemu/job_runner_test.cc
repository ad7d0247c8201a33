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
  JobSpawnSpec ok{{"/bin/sh", "-c", "echo out; echo err >&2; printf tail; exit 4"}, {"PATH=/usr/bin:/bin"}, "/"};
  JobSpawnSpec killed{{"/bin/sh", "-c", "sleep 30 & sleep 30"}, {"PATH=/usr/bin:/bin"}, "/"};
  ASSERT_EQ(runner.Start(1, ok), "");
  ASSERT_EQ(runner.Start(2, killed), "");
  EXPECT_NE(runner.Start(3, {{"/no/such/binary"}, {}, "/"}), "");

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

}  // namespace
}  // namespace awsemu
