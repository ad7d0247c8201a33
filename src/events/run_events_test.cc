#include "events/run_events.h"

#include <gtest/gtest.h>

namespace ferry {
namespace {

// Records which method each event arrived through.
class Calls : public RunObserver {
 public:
  void TaskSubmitted(const TaskEvent& e) override { Add("submitted", e); }
  void TaskCompleted(const TaskEvent& e) override { Add("completed", e); }
  void TaskCached(const TaskEvent& e) override { Add("cached", e); }
  void TaskFailed(const TaskEvent& e) override { Add("failed", e); }
  void TaskRetried(const TaskEvent& e) override { Add("retried", e); }
  void TaskIgnored(const TaskEvent& e) override { Add("ignored", e); }
  void TaskAborted(const TaskEvent& e) override { Add("aborted", e); }
  void TaskSkipped(const TaskEvent& e) override { Add("skipped", e); }
  void Notice(Severity, const std::string& text) override { calls.push_back("notice " + text); }
  void RunEnded(RunState state, const RunStats& stats) override {
    calls.push_back(std::string("ended ") + RunStateName(state) + " " + std::to_string(stats.completed));
  }
  std::vector<std::string> calls;

 private:
  void Add(const char* what, const TaskEvent& e) { calls.push_back(std::string(what) + " " + e.name); }
};

TEST(RunEventsTest, StoredNamesAreTheOnesHistoryAndTraceAlwaysUsed) {
  EXPECT_STREQ(TaskStateName(TaskState::kSubmitted), "SUBMITTED");
  EXPECT_STREQ(TaskStateName(TaskState::kCompleted), "COMPLETED");
  EXPECT_STREQ(TaskStateName(TaskState::kCached), "CACHED");
  EXPECT_STREQ(TaskStateName(TaskState::kFailed), "FAILED");
  // A retried or ignored attempt failed: that is what its row says.
  EXPECT_STREQ(TaskStateName(TaskState::kRetried), "FAILED");
  EXPECT_STREQ(TaskStateName(TaskState::kIgnored), "FAILED");
  EXPECT_STREQ(TaskStateName(TaskState::kAborted), "ABORTED");
  EXPECT_STREQ(RunStateName(RunState::kRunning), "RUNNING");
  EXPECT_STREQ(RunStateName(RunState::kOk), "OK");
  EXPECT_STREQ(RunStateName(RunState::kFailed), "FAILED");
  EXPECT_STREQ(RunStateName(RunState::kAborted), "ABORTED");
}

TEST(RunEventsTest, DispatchCallsTheMethodOfTheEventsState) {
  Calls c;
  const std::vector<std::pair<TaskState, const char*>> cases = {
      {TaskState::kSubmitted, "submitted"}, {TaskState::kCompleted, "completed"}, {TaskState::kCached, "cached"},
      {TaskState::kFailed, "failed"},       {TaskState::kRetried, "retried"},     {TaskState::kIgnored, "ignored"},
      {TaskState::kAborted, "aborted"},     {TaskState::kSkipped, "skipped"}};
  for (const auto& [state, what] : cases) {
    TaskEvent e;
    e.state = state;
    e.name = "t";
    Dispatch(&c, e);
    EXPECT_EQ(c.calls.back(), std::string(what) + " t");
  }
  EXPECT_EQ(c.calls.size(), cases.size());
}

TEST(RunEventsTest, RunObserversForwardEverythingInOrder) {
  Calls a, b;
  RunObservers all;
  all.Add(&a);
  all.Add(nullptr);  // ignored
  all.Add(&b);
  TaskEvent e;
  e.state = TaskState::kCompleted;
  e.name = "count (1)";
  Dispatch(&all, e);
  all.Notice(Severity::kWarning, "careful");
  RunStats stats;
  stats.completed = 1;
  all.RunEnded(RunState::kOk, stats);
  const std::vector<std::string> want = {"completed count (1)", "notice careful", "ended OK 1"};
  EXPECT_EQ(a.calls, want);
  EXPECT_EQ(b.calls, want);
}

}  // namespace
}  // namespace ferry
