// The engine's decisions, with a FakeExecutor whose tasks end when and how
// each test says: start order, retries and their attempt numbers, each
// errorStrategy, skipped dependents, -resume reusing recorded successes,
// and an abort keeping results that had already finished. Assertions are on
// what a user sees: which tasks ran, the run's counts, and the events the
// display, history and trace receive.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "engine/engine_testing.h"
#include "engine/fake_executor.h"
#include "engine/run_driver.h"
#include "store/history.h"
#include "store/task_recorder.h"
#include "util/temp_dir_testing.h"

namespace ferry {
namespace {

namespace fs = std::filesystem;
using engine_testing::FakeExecutor;
using Strings = std::vector<std::string>;

// Every event, as "STATE name #attempt".
class EventLog : public TaskEventObserver {
 public:
  void Notice(Severity s, const std::string& text) override { notices.emplace_back(s, text); }
  void RunEnded(RunState state, const RunStats&) override { ended = state; }

  // The lines for tasks of `state`.
  Strings Of(TaskState state) const {
    Strings out;
    for (size_t i = 0; i < events.size(); ++i)
      if (events[i].state == state) out.push_back(lines[i]);
    return out;
  }
  const TaskEvent* Find(TaskState state, const std::string& name) const {
    for (const auto& e : events)
      if (e.state == state && e.name == name) return &e;
    return nullptr;
  }

  std::vector<TaskEvent> events;
  Strings lines;
  std::vector<std::pair<Severity, std::string>> notices;
  RunState ended = RunState::kRunning;

 private:
  void OnTask(const TaskEvent& e) override {
    events.push_back(e);
    lines.push_back(std::string(TaskStateName(e.state)) + " " + e.name + " #" + std::to_string(e.attempt));
  }
};

class RunDriverTest : public testing::TempDirTest {
 protected:
  // split (1..3) -> merge, with `settings` on split; `cpus` tasks at once.
  void Load(const std::string& settings, int cpus = 1) {
    Status st = pipeline_.Load(engine_testing::SplitMergePipeline(3, settings), "process.executor = 'local'", dir());
    ASSERT_TRUE(st.ok()) << st.message();
    cpus_ = cpus;
  }

  Status Run(FakeExecutor* fake, RunObserver* observer, RunStats* stats, History* history = nullptr,
             bool resume = false) {
    ExecutorSlot slot;
    slot.executor = fake;
    slot.cpus = cpus_;
    RunOptions opts;
    opts.launch_dir = dir();
    opts.resume = resume;
    opts.abort_grace_ms = 0;
    // The fake stands in for the local executor: executor names are ferry's own (rules/directive_rules.h).
    RunDriver driver(&graph_, pipeline_.expander.get(), {{"local", slot}}, history, observer, opts);
    Status st = driver.Validate();
    if (!st.ok()) return st;
    return driver.Run(stats);
  }

  // A first run with fake_, recorded in a history (as `ferry run` records).
  void RunRecorded(std::unique_ptr<History>* history) {
    ASSERT_TRUE(History::Open((fs::path(dir()) / ".ferry").string(), history).ok());
    RunRecord run;
    ASSERT_TRUE((*history)->BeginRun(&run).ok());
    TaskRecorder recorder(history->get(), nullptr, run.id, nullptr);
    ASSERT_TRUE(Run(&fake_, &recorder, &stats_, history->get()).ok());
  }

  engine_testing::Expanded pipeline_;
  TaskGraph& graph_ = pipeline_.graph;
  int cpus_ = 1;
  FakeExecutor fake_;
  EventLog log_;
  RunStats stats_;
};

TEST_F(RunDriverTest, StartsReadyTasksInOrderAndDependentsAfterTheirInputs) {
  Load("", 2);
  ASSERT_TRUE(Run(&fake_, &log_, &stats_).ok());
  EXPECT_EQ(fake_.started, (Strings{"split (1) #1", "split (2) #1", "split (3) #1", "merge #1"}));
  EXPECT_EQ(fake_.max_running, 2u);  // two cpus, one each
  EXPECT_EQ(stats_.completed, 4);
  EXPECT_EQ(stats_.failed + stats_.retried + stats_.skipped + stats_.cached, 0);
  EXPECT_EQ(log_.Of(TaskState::kCompleted).back(), "COMPLETED merge #1");
  EXPECT_EQ(log_.ended, RunState::kOk);
}

TEST_F(RunDriverTest, EveryEventCarriesTheTaskItsAttemptAndItsTimes) {
  Load("");
  ASSERT_TRUE(Run(&fake_, &log_, &stats_).ok());
  const TaskEvent* done = log_.Find(TaskState::kCompleted, "split (2)");
  ASSERT_NE(done, nullptr);
  const Task& t = graph_.tasks[done->index];
  EXPECT_EQ(t.display, "split (2)");
  EXPECT_EQ(done->task_id, t.id());
  EXPECT_EQ(done->process, "split");
  EXPECT_EQ(done->hash, t.hash);
  EXPECT_EQ(done->hash_prefix, t.hash_prefix());
  EXPECT_EQ(done->work_dir, t.work_dir);
  EXPECT_EQ(done->executor, "local");
  EXPECT_EQ(done->native_id, "fake-" + std::to_string(t.id()));
  EXPECT_EQ(done->exit_code, 0);
  EXPECT_EQ(done->attempt, 1);
  EXPECT_GT(done->submit_ms, 0);
  EXPECT_EQ(done->start_ms, 1000);
  EXPECT_EQ(done->end_ms, 2000);
  const TaskEvent* sub = log_.Find(TaskState::kSubmitted, "split (2)");
  ASSERT_NE(sub, nullptr);
  EXPECT_EQ(sub->exit_code, -1);
  EXPECT_EQ(sub->hash, t.hash);
}

TEST_F(RunDriverTest, RetryRunsTheNextAttemptUntilOneSucceeds) {
  Load("    errorStrategy: retry\n    retry: 2\n");
  fake_.Set("split (2)", {{1, 1, 0}});
  ASSERT_TRUE(Run(&fake_, &log_, &stats_).ok());
  EXPECT_EQ(fake_.started,
            (Strings{"split (1) #1", "split (2) #1", "split (2) #2", "split (2) #3", "split (3) #1", "merge #1"}));
  EXPECT_EQ(log_.Of(TaskState::kRetried), (Strings{"FAILED split (2) #1", "FAILED split (2) #2"}));
  EXPECT_EQ(log_.Find(TaskState::kRetried, "split (2)")->exit_code, 1);
  EXPECT_EQ(log_.Find(TaskState::kCompleted, "split (2)")->attempt, 3);
  EXPECT_EQ(stats_.retried, 2);
  EXPECT_EQ(stats_.completed, 4);
  EXPECT_EQ(stats_.failed, 0);
}

TEST_F(RunDriverTest, RetriesUsedUpFailTheRunAndNothingDownstreamStarts) {
  Load("    errorStrategy: retry\n    retry: 1\n");
  fake_.Set("split (1)", {{4}});
  Status st = Run(&fake_, &log_, &stats_);
  EXPECT_EQ(st.kind(), Status::Kind::kFailed);
  EXPECT_NE(st.message().find("task 'split (1)' failed: exit status 4"), std::string::npos) << st.message();
  EXPECT_EQ(fake_.started, (Strings{"split (1) #1", "split (1) #2"}));
  EXPECT_EQ(log_.Of(TaskState::kFailed), Strings{"FAILED split (1) #2"});
  EXPECT_EQ(stats_.retried, 1);
  EXPECT_EQ(stats_.failed, 1);
  EXPECT_EQ(log_.ended, RunState::kFailed);
}

TEST_F(RunDriverTest, TerminateAbortsTheRunningTasks) {
  Load("", 3);
  fake_.Set("split (1)", {{3}, 1});
  fake_.Set("split (2)", {{0}, 50});
  fake_.Set("split (3)", {{0}, 50});
  Status st = Run(&fake_, &log_, &stats_);
  EXPECT_EQ(st.kind(), Status::Kind::kFailed);
  EXPECT_EQ(fake_.started, (Strings{"split (1) #1", "split (2) #1", "split (3) #1"}));
  EXPECT_EQ(fake_.aborted_names, (Strings{"split (2)", "split (3)"}));
  EXPECT_EQ(log_.Of(TaskState::kAborted), (Strings{"ABORTED split (2) #1", "ABORTED split (3) #1"}));
  EXPECT_EQ(stats_.failed, 1);
  EXPECT_EQ(stats_.aborted, 2);
  EXPECT_EQ(stats_.completed, 0);
  EXPECT_LT(fake_.polls, 50);  // it did not wait for them
  // The failure is reported in full, as an error.
  ASSERT_FALSE(log_.notices.empty());
  EXPECT_EQ(log_.notices[0].first, Severity::kError);
  EXPECT_NE(log_.notices[0].second.find("task 'split (1)' failed: exit status 3"), std::string::npos);
}

TEST_F(RunDriverTest, AnAbortKeepsTasksThatHadAlreadySucceeded) {
  Load("", 3);
  fake_.Set("split (1)", {{3}, 1});
  fake_.Set("split (2)", {{0}, 50, /*done_at_abort=*/true});
  fake_.Set("split (3)", {{0}, 50});
  EXPECT_FALSE(Run(&fake_, &log_, &stats_).ok());
  EXPECT_EQ(log_.Of(TaskState::kCompleted), Strings{"COMPLETED split (2) #1"});
  EXPECT_EQ(log_.Of(TaskState::kAborted), Strings{"ABORTED split (3) #1"});
  EXPECT_EQ(stats_.completed, 1);
  EXPECT_EQ(stats_.aborted, 1);
}

TEST_F(RunDriverTest, FinishLetsRunningTasksEndAndStartsNoNewOnes) {
  Load("    errorStrategy: finish\n", 2);
  fake_.Set("split (1)", {{5}, 1});
  fake_.Set("split (2)", {{0}, 3});
  Status st = Run(&fake_, &log_, &stats_);
  EXPECT_EQ(st.kind(), Status::Kind::kFailed);
  EXPECT_EQ(fake_.started, (Strings{"split (1) #1", "split (2) #1"}));  // split (3) never starts
  EXPECT_TRUE(fake_.aborted_names.empty());
  EXPECT_EQ(log_.Of(TaskState::kCompleted), Strings{"COMPLETED split (2) #1"});
  EXPECT_EQ(stats_.failed, 1);
  EXPECT_EQ(stats_.completed, 1);
}

TEST_F(RunDriverTest, IgnoreGoesOnAndTheGatherRunsOnTheOutputsThatWereMade) {
  Load("    errorStrategy: ignore\n");
  const std::string first_hash = graph_.tasks[3].hash;
  fake_.Set("split (2)", {{1}});
  Status st = Run(&fake_, &log_, &stats_);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(fake_.started, (Strings{"split (1) #1", "split (2) #1", "split (3) #1", "merge #1"}));
  EXPECT_EQ(log_.Of(TaskState::kIgnored), Strings{"FAILED split (2) #1"});
  EXPECT_EQ(log_.Find(TaskState::kIgnored, "split (2)")->reason, "exit status 1");
  // merge read parts 1 and 3 only, and is a different task than the one
  // over all three (a -resume once split (2) works runs it again).
  const Task& merge = graph_.tasks[3];
  EXPECT_NE(merge.script.find("part1.txt part3.txt >"), std::string::npos) << merge.script;
  EXPECT_EQ(merge.script.find("part2.txt"), std::string::npos) << merge.script;
  ASSERT_EQ(merge.staged.size(), 2u);
  EXPECT_NE(merge.hash, first_hash);
  EXPECT_EQ(log_.Find(TaskState::kCompleted, "merge")->hash, merge.hash);
  EXPECT_EQ(stats_.ignored, 1);
  EXPECT_EQ(stats_.skipped, 0);
  EXPECT_EQ(stats_.completed, 3);
  EXPECT_EQ(stats_.failed, 0);
  EXPECT_EQ(log_.ended, RunState::kOk);
  // One short warning, no error report.
  ASSERT_EQ(log_.notices.size(), 1u);
  EXPECT_EQ(log_.notices[0].first, Severity::kWarning);
  EXPECT_NE(log_.notices[0].second.find(log_.Find(TaskState::kIgnored, "split (2)")->work_dir), std::string::npos);
}

TEST_F(RunDriverTest, AGatherWhoseUpstreamAllFailedIsSkipped) {
  Load("    errorStrategy: ignore\n");
  fake_.Set("split (1)", {{1}});
  fake_.Set("split (2)", {{1}});
  fake_.Set("split (3)", {{1}});
  ASSERT_TRUE(Run(&fake_, &log_, &stats_).ok());
  EXPECT_EQ(log_.Of(TaskState::kSkipped), Strings{"SKIPPED merge #1"});
  EXPECT_NE(log_.Find(TaskState::kSkipped, "merge")->reason.find("failed"), std::string::npos);
  EXPECT_EQ(stats_.ignored, 3);
  EXPECT_EQ(stats_.skipped, 1);
}

const char kChain[] = R"(
tasks:
  a:
    for_each: "{{ range(1, 4) }}"
    tag: "s{{ item }}"
    errorStrategy: ignore
    output:
      o: "a{{ item }}.txt"
    script: echo {{ item }} > {{ output.o }}
  b:
    for_each: "{{ a.output.o }}"
    tag: "{{ item.name }}"
    output:
      o: b.txt
    script: cat {{ item }} > {{ output.o }}
  total:
    input:
      all: "{{ b.output.o }}"
    output:
      o: total.txt
    script: cat {{ input.all }} > {{ output.o }}
)";

TEST_F(RunDriverTest, IgnoreSkipsWhatIsChainedOnTheFailureAndGathersTheRest) {
  ASSERT_TRUE(pipeline_.Load(kChain, "", dir()).ok());
  fake_.Set("a (s2)", {{3}});
  ASSERT_TRUE(Run(&fake_, &log_, &stats_).ok());
  EXPECT_EQ(fake_.started,
            (Strings{"a (s1) #1", "a (s2) #1", "a (s3) #1", "b (a1.txt) #1", "b (a3.txt) #1", "total #1"}));
  EXPECT_EQ(log_.Of(TaskState::kSkipped), Strings{"SKIPPED b (a2.txt) #1"});
  EXPECT_NE(log_.Find(TaskState::kSkipped, "b (a2.txt)")->reason.find("task 'a (s2)' failed"), std::string::npos);
  const Task& total = graph_.tasks.back();
  EXPECT_EQ(total.staged.size(), 2u);
  EXPECT_EQ(stats_.skipped, 1);
  EXPECT_EQ(stats_.completed, 5);
}

TEST_F(RunDriverTest, WhenFalseTasksShowAsSkippedAndTheGatherRunsWithoutThem) {
  std::string p = kChain;
  p.replace(p.find("    errorStrategy: ignore\n"), 26, "    when: \"{{ item != 3 }}\"\n");
  Status st = pipeline_.Load(p, "", dir());
  ASSERT_TRUE(st.ok()) << st.message();
  ASSERT_TRUE(Run(&fake_, &log_, &stats_).ok());
  EXPECT_EQ(log_.Of(TaskState::kSkipped), (Strings{"SKIPPED a (s3) #1", "SKIPPED b (a3.txt) #1"}));
  EXPECT_EQ(log_.Find(TaskState::kSkipped, "a (s3)")->reason, "its when: condition is false");
  EXPECT_EQ(fake_.started, (Strings{"a (s1) #1", "a (s2) #1", "b (a1.txt) #1", "b (a2.txt) #1", "total #1"}));
  EXPECT_EQ(stats_.skipped, 2);
}

TEST_F(RunDriverTest, EachRetryRunsInAFreshDirAndTheFailedOneIsKept) {
  Load("    errorStrategy: retry\n    retry: 2\n");
  fake_.Set("split (2)", {{1, 2, 0}});
  ASSERT_TRUE(Run(&fake_, &log_, &stats_).ok());
  const Task& t = graph_.tasks[1];
  std::vector<std::string> dirs;
  for (const auto& e : log_.events)
    if (e.name == "split (2)" && e.state != TaskState::kSubmitted) dirs.push_back(e.work_dir);
  // The trace and history rows of the failed attempts point at where they are kept.
  EXPECT_EQ(dirs, (Strings{t.work_dir + "-attempt1", t.work_dir + "-attempt2", t.work_dir}));
  EXPECT_TRUE(fs::exists(t.work_dir + "-attempt1/.command.sh"));
  EXPECT_EQ(testing::Slurp(t.work_dir + "-attempt2/.exitcode"), "2");
  EXPECT_EQ(testing::Slurp(t.work_dir + "/.exitcode"), "0");
  // Said once per failed attempt: which one, of how many, what it died of, where it is.
  Strings said;
  for (const auto& [sev, text] : log_.notices)
    if (text.find("split (2)") != std::string::npos) said.push_back(text);
  ASSERT_EQ(said.size(), 2u);
  EXPECT_EQ(said[0], "task 'split (2)' attempt 1 of 3 failed (exit status 1); its work dir: " + t.work_dir +
                         "-attempt1; retrying");
  EXPECT_NE(said[1].find("attempt 2 of 3 failed (exit status 2)"), std::string::npos) << said[1];
}

TEST_F(RunDriverTest, AWorkDirAJobOfAKilledRunStillWritesIsLeftAsItIs) {
  Load("");
  const Task& adopted = graph_.tasks[1];
  fs::create_directories(adopted.work_dir);
  std::ofstream(adopted.work_dir + "/.command.begin") << "42 ferry-run-split-1\n";
  fake_.adopt.insert(adopted.hash);
  ASSERT_TRUE(Run(&fake_, &log_, &stats_).ok());
  // Not emptied, nor written: the job that still runs there owns it.
  EXPECT_EQ(testing::Slurp(adopted.work_dir + "/.command.begin"), "42 ferry-run-split-1\n");
  EXPECT_FALSE(fs::exists(adopted.work_dir + "/.command.run"));
  EXPECT_TRUE(fs::exists(graph_.tasks[0].work_dir + "/.command.run"));
  EXPECT_EQ(stats_.completed, 4);
}

TEST_F(RunDriverTest, ATagNamesTheTaskInEventsAndFailureReports) {
  ASSERT_TRUE(pipeline_.Load(kChain, "", dir()).ok());
  graph_.tasks[0].directives.error_strategy = ErrorStrategy::kTerminate;
  fake_.Set("a (s1)", {{4}});
  EXPECT_FALSE(Run(&fake_, &log_, &stats_).ok());
  ASSERT_NE(log_.Find(TaskState::kFailed, "a (s1)"), nullptr);
  ASSERT_FALSE(log_.notices.empty());
  EXPECT_NE(log_.notices[0].second.find("task 'a (s1)' failed: exit status 4"), std::string::npos)
      << log_.notices[0].second;
}

TEST_F(RunDriverTest, ResumeReusesRecordedSuccessesAndRunsTheRest) {
  Load("    errorStrategy: ignore\n");
  fake_.Set("split (2)", {{1}});
  std::unique_ptr<History> history;
  ASSERT_NO_FATAL_FAILURE(RunRecorded(&history));
  EXPECT_EQ(stats_.completed, 3);  // merge too, on parts 1 and 3

  // The second run (expanded anew, as each `ferry run` is): split (2) now
  // succeeds; the others are reused, not run, and merge runs on all three.
  ASSERT_TRUE(pipeline_
                  .Load(engine_testing::SplitMergePipeline(3, "    errorStrategy: ignore\n"),
                        "process.executor = 'local'", dir())
                  .ok());
  FakeExecutor again;
  RunStats stats;
  ASSERT_TRUE(Run(&again, &log_, &stats, history.get(), /*resume=*/true).ok());
  EXPECT_EQ(again.started, (Strings{"split (2) #1", "merge #1"}));
  EXPECT_EQ(log_.Of(TaskState::kCached), (Strings{"CACHED split (1) #1", "CACHED split (3) #1"}));
  EXPECT_EQ(log_.Find(TaskState::kCached, "split (1)")->exit_code, 0);
  EXPECT_EQ(stats.cached, 2);
  EXPECT_EQ(stats.completed, 2);
}

TEST_F(RunDriverTest, WithoutResumeRecordedSuccessesRunAgain) {
  Load("");
  std::unique_ptr<History> history;
  ASSERT_NO_FATAL_FAILURE(RunRecorded(&history));
  FakeExecutor again;
  RunStats stats;
  ASSERT_TRUE(Run(&again, &log_, &stats, history.get(), /*resume=*/false).ok());
  EXPECT_EQ(again.started.size(), 4u);
  EXPECT_EQ(stats.cached, 0);
}

}  // namespace
}  // namespace ferry
