#include "store/task_recorder.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace ferry {
namespace {

namespace fs = std::filesystem;

TaskEvent Event(TaskState state, int attempt = 1) {
  TaskEvent e;
  e.state = state;
  e.index = 2;
  e.task_id = 3;
  e.process = "count";
  e.name = "count (3)";
  e.hash = "ab12cd34ef";
  e.hash_prefix = "ab/12cd34";
  e.executor = "local";
  e.native_id = "4242";
  e.work_dir = "/w/ab/12cd34ef";
  e.attempt = attempt;
  e.exit_code = state == TaskState::kCompleted ? 0 : 7;
  e.cpus = 2;
  e.memory_bytes = 1 << 20;
  e.submit_ms = 1000;
  e.start_ms = 1100;
  e.end_ms = 2100;
  e.spot_retries = 1;
  return e;
}

class NoticeLog : public RunObserver {
 public:
  void Notice(Severity s, const std::string& text) override {
    if (s == Severity::kWarning) warnings.push_back(text);
  }
  std::vector<std::string> warnings;
};

class TaskRecorderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ferry-task-recorder-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    ASSERT_TRUE(History::Open(dir_.string(), &history_).ok());
    ASSERT_TRUE(history_->BeginRun(&run_).ok());
    ASSERT_TRUE(TraceWriter::Open((dir_ / "trace.tsv").string(), &trace_).ok());
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
  std::unique_ptr<History> history_;
  std::unique_ptr<TraceWriter> trace_;
  RunRecord run_;
};

TEST(TaskRecordFromTest, CopiesEveryFieldAndNamesTheState) {
  TaskRecord r = TaskRecordFrom(Event(TaskState::kRetried, 2), 9);
  EXPECT_EQ(r.run_id, 9);
  EXPECT_EQ(r.task_id, 3u);
  EXPECT_EQ(r.status, "FAILED");
  EXPECT_EQ(r.hash, "ab12cd34ef");
  EXPECT_EQ(r.name, "count (3)");
  EXPECT_EQ(r.process, "count");
  EXPECT_EQ(r.executor, "local");
  EXPECT_EQ(r.native_id, "4242");
  EXPECT_EQ(r.work_dir, "/w/ab/12cd34ef");
  EXPECT_EQ(r.attempt, 2);
  EXPECT_EQ(r.exit_code, 7);
  EXPECT_EQ(r.cpus, 2);
  EXPECT_EQ(r.memory_bytes, 1 << 20);
  EXPECT_EQ(r.submit_ms, 1000);
  EXPECT_EQ(r.start_ms, 1100);
  EXPECT_EQ(r.end_ms, 2100);
  EXPECT_EQ(r.spot_retries, 1);
}

TEST_F(TaskRecorderTest, EveryEndedAttemptIsOneRowInHistoryAndTrace) {
  TaskRecorder rec(history_.get(), trace_.get(), run_.id, nullptr);
  Dispatch(&rec, Event(TaskState::kSubmitted));
  Dispatch(&rec, Event(TaskState::kRetried, 1));
  Dispatch(&rec, Event(TaskState::kSubmitted, 2));
  Dispatch(&rec, Event(TaskState::kCompleted, 2));
  Dispatch(&rec, Event(TaskState::kSkipped));
  rec.RunEnded(RunState::kOk, RunStats{});
  std::vector<TaskRecord> rows;
  ASSERT_TRUE(history_->ListTasks(run_.id, &rows).ok());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].status, "FAILED");
  EXPECT_EQ(rows[0].attempt, 1);
  EXPECT_EQ(rows[1].status, "COMPLETED");
  EXPECT_EQ(rows[1].attempt, 2);
  ASSERT_TRUE(trace_->Close().ok());
  std::ifstream in(dir_ / "trace.tsv");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), TraceHeader() + TraceRow(TaskRecordFrom(Event(TaskState::kRetried, 1), run_.id)) +
                            TraceRow(TaskRecordFrom(Event(TaskState::kCompleted, 2), run_.id)));
}

TEST_F(TaskRecorderTest, AWriteThatFailsIsAWarningAndTheRunGoesOn) {
  NoticeLog notices;
  ASSERT_TRUE(trace_->Close().ok());  // writing to it now fails
  TaskRecorder rec(nullptr, trace_.get(), run_.id, &notices);
  Dispatch(&rec, Event(TaskState::kCompleted));
  ASSERT_EQ(notices.warnings.size(), 1u);
  EXPECT_NE(notices.warnings[0].find("trace.tsv"), std::string::npos) << notices.warnings[0];
}

}  // namespace
}  // namespace ferry
