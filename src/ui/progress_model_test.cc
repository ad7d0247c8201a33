#include "ui/progress_model.h"

#include <gtest/gtest.h>

namespace ferry {
namespace {

TaskEvent Ev(const std::string& process, int n, TaskState state, int exit_code = -1) {
  TaskEvent e;
  e.process = process;
  e.name = process + " (" + std::to_string(n) + ")";
  e.hash_prefix = "ab/12cd3" + std::to_string(n % 10);
  e.executor = "local";
  e.state = state;
  e.exit_code = exit_code;
  return e;
}

TEST(ProgressModelTest, PlainLinesSayWhatHappened) {
  EXPECT_EQ(ProgressModel::PlainLine(Ev("count", 3, TaskState::kSubmitted)),
            "[ab/12cd33] Submitted process > count (3) [local]");
  EXPECT_EQ(ProgressModel::PlainLine(Ev("count", 3, TaskState::kCompleted, 0)),
            "[ab/12cd33] Completed process > count (3) [local]");
  EXPECT_EQ(ProgressModel::PlainLine(Ev("count", 3, TaskState::kCached)), "[ab/12cd33] Cached process > count (3)");
  EXPECT_EQ(ProgressModel::PlainLine(Ev("count", 3, TaskState::kFailed, 1)),
            "[ab/12cd33] Failed process > count (3) [local] (exit 1)");
  EXPECT_EQ(ProgressModel::PlainLine(Ev("count", 3, TaskState::kAborted)),
            "[ab/12cd33] Aborted process > count (3) [local]");
  TaskEvent r = Ev("count", 3, TaskState::kRetried, 137);
  r.attempt = 1;
  EXPECT_EQ(ProgressModel::PlainLine(r),
            "[ab/12cd33] Retrying process > count (3) [local] (exit 137, attempt 1 failed)");
}

TEST(ProgressModelTest, CountsPerProcessAndExecutor) {
  ProgressModel m;
  m.Planned("count", 10);
  m.Planned("total", 1);
  for (int i = 1; i <= 2; ++i) m.Apply(Ev("count", i, TaskState::kCached));
  for (int i = 3; i <= 8; ++i) m.Apply(Ev("count", i, TaskState::kSubmitted));
  m.Apply(Ev("count", 3, TaskState::kCompleted, 0));
  m.Apply(Ev("count", 4, TaskState::kFailed, 1));
  m.Apply(Ev("count", 5, TaskState::kCompleted, 0));

  std::vector<std::string> lines = m.Render(0, 0);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "executor >  local (6)");
  // The failed task (count (4)) is named, not the latest one.
  EXPECT_EQ(lines[1], "[ab/12cd34] process > count (4) [ 50%] 5 of 10, cached: 2, failed: 1 \u2718");
  // Not started yet: the process name, no hash, names aligned.
  EXPECT_EQ(lines[2], "[-        ] process > total     [  0%] 0 of 1");
}

TEST(ProgressModelTest, CheckMarkWhenEverythingSucceeded) {
  ProgressModel m;
  m.Planned("count", 2);
  m.Apply(Ev("count", 1, TaskState::kCached));
  m.Apply(Ev("count", 2, TaskState::kSubmitted));
  TaskEvent retry = Ev("count", 2, TaskState::kRetried, 1);
  m.Apply(retry);
  m.Apply(Ev("count", 2, TaskState::kSubmitted));
  m.Apply(Ev("count", 2, TaskState::kCompleted, 0));
  std::vector<std::string> lines = m.Render(0, 0);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "executor >  local (2)");
  EXPECT_EQ(lines[1], "[ab/12cd32] process > count (2) [100%] 2 of 2, cached: 1, retries: 1 \u2714");
}

TEST(ProgressModelTest, FailedLineShowsTheFailedTasksOwnHash) {
  ProgressModel m;
  m.Planned("count", 5);
  for (int i = 1; i <= 4; ++i) m.Apply(Ev("count", i, TaskState::kSubmitted));
  m.Apply(Ev("count", 2, TaskState::kFailed, 3));
  // Tasks of the same process go on starting and ending after the failure.
  m.Apply(Ev("count", 3, TaskState::kCompleted, 0));
  m.Apply(Ev("count", 5, TaskState::kSubmitted));
  std::vector<std::string> lines = m.Render(0, 0);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1], "[ab/12cd32] process > count (2) [ 40%] 2 of 5, failed: 1 \u2718");
}

TEST(ProgressModelTest, ColourMarksFailedDoneAndCachedLinesOnlyWhenOn) {
  ProgressModel m;
  m.Planned("bad", 1);
  m.Planned("good", 1);
  m.Planned("reused", 1);
  m.Planned("busy", 2);
  m.Apply(Ev("bad", 1, TaskState::kSubmitted));
  m.Apply(Ev("bad", 1, TaskState::kFailed, 1));
  m.Apply(Ev("good", 1, TaskState::kSubmitted));
  m.Apply(Ev("good", 1, TaskState::kCompleted, 0));
  m.Apply(Ev("reused", 1, TaskState::kCached));
  m.Apply(Ev("busy", 1, TaskState::kSubmitted));
  std::vector<std::string> plain = m.Render(0, 0);
  for (const std::string& l : plain) EXPECT_EQ(l.find('\x1b'), std::string::npos) << l;
  m.set_colour(true);
  std::vector<std::string> lines = m.Render(0, 0);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0], plain[0]);  // the executor line
  EXPECT_EQ(lines[1], "\x1b[31m" + plain[1] + "\x1b[0m");
  EXPECT_EQ(lines[2], "\x1b[32m" + plain[2] + "\x1b[0m");
  EXPECT_EQ(lines[3], "\x1b[2m" + plain[3] + "\x1b[0m");
  EXPECT_EQ(lines[4], plain[4]);  // still running: no colour
}

TEST(ProgressModelTest, HybridRunsCountEachExecutor) {
  ProgressModel m;
  m.Planned("split", 5);
  m.Planned("merge", 3);
  for (int i = 1; i <= 5; ++i) {
    TaskEvent e = Ev("split", i, TaskState::kSubmitted);
    e.executor = "awsbatch";
    m.Apply(e);
    EXPECT_EQ(ProgressModel::PlainLine(e),
              "[ab/12cd3" + std::to_string(i) + "] Submitted process > split (" + std::to_string(i) + ") [awsbatch]");
  }
  for (int i = 1; i <= 3; ++i) m.Apply(Ev("merge", i, TaskState::kSubmitted));
  EXPECT_EQ(m.Render(0, 0)[0], "executor >  awsbatch (5), local (3)");
}

TEST(ProgressModelTest, UnknownTotalCountsWhatWasSeen) {
  ProgressModel m;
  m.Planned("align", 0);
  m.Apply(Ev("align", 1, TaskState::kSubmitted));
  m.Apply(Ev("align", 2, TaskState::kSubmitted));
  m.Apply(Ev("align", 1, TaskState::kCompleted, 0));
  std::vector<std::string> lines = m.Render(0, 0);
  EXPECT_EQ(lines.back(), "[ab/12cd31] process > align (1) [ 50%] 1 of 2");
}

TEST(ProgressModelTest, LinesFitTheTerminal) {
  ProgressModel m;
  m.Planned("a_really_long_process_name_that_goes_on", 3);
  m.Apply(Ev("a_really_long_process_name_that_goes_on", 1, TaskState::kFailed, 2));
  for (const std::string& l : m.Render(30, 0)) {
    size_t cols = 0;
    for (unsigned char c : l) cols += (c & 0xC0) != 0x80;
    EXPECT_LE(cols, 30u) << l;
  }
  EXPECT_EQ(FitWidth("ab\u2714cd", 3), "ab\u2714");
  EXPECT_EQ(FitWidth("abc", 0), "abc");
}

TEST(ProgressModelTest, ManyProcessesCollapseToFitTheHeight) {
  ProgressModel m;
  for (int i = 0; i < 30; ++i) m.Planned("p" + std::to_string(i), 1);
  // The first 20 are done and may be hidden.
  for (int i = 0; i < 20; ++i) {
    m.Apply(Ev("p" + std::to_string(i), 1, TaskState::kSubmitted));
    m.Apply(Ev("p" + std::to_string(i), 1, TaskState::kCompleted, 0));
  }
  std::vector<std::string> lines = m.Render(0, 8);
  ASSERT_EQ(lines.size(), 8u);
  EXPECT_NE(lines[1].find("process > p20"), std::string::npos) << lines[1];
  EXPECT_EQ(lines.back(), "... and 4 more processes (20 finished ones hidden)");
  EXPECT_EQ(m.Render(0, 0).size(), 31u);
}

}  // namespace
}  // namespace ferry
