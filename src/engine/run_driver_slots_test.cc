// RunDriver with an executor whose capacity is counted in tasks (as awsbatch's
// executor.queueSize): cpus do not limit it, max_running does; every TaskRun
// carries what a remote executor needs to build the work dir itself; and
// Preflight sees every first attempt before anything runs.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "engine/engine_testing.h"
#include "engine/run_driver.h"
#include "util/temp_dir_testing.h"

namespace ferry {
namespace {

namespace fs = std::filesystem;

// split: four tasks of 16 cpus, in Batch arrays of 2; merge: one task after them.
const std::string kPipeline = engine_testing::SplitMergePipeline(4, "    cpus: 16\n    array: 2\n");

// Completes each task at the next Poll by writing its outputs.
class FakeJobs : public Executor {
 public:
  const char* name() const override { return "jobs"; }
  Status Preflight(const std::vector<TaskRun>& planned) override {
    preflighted = planned;
    return preflight_result;
  }
  Status Submit(const TaskRun& run) override {
    runs.push_back(run);
    pending.push_back(run);
    max_in_flight = std::max(max_in_flight, pending.size());
    return Status::Ok();
  }
  Status Poll(int, std::vector<TaskResult>* finished) override {
    for (const auto& r : pending) {
      for (const auto& o : r.outputs) std::ofstream(r.work_dir + "/" + o) << "x\n";
      std::ofstream(r.work_dir + "/.exitcode") << 0;
      TaskResult res;
      res.id = r.id;
      res.exit_code = 0;
      res.native_id = "job-" + std::to_string(r.id);
      finished->push_back(res);
    }
    pending.clear();
    return Status::Ok();
  }
  size_t running() const override { return pending.size(); }
  void AbortAll(int, std::vector<TaskResult>*) override { pending.clear(); }

  std::vector<TaskRun> runs, pending, preflighted;
  size_t max_in_flight = 0;
  Status preflight_result;
};

class RunDriverSlots : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    Status st = pipeline_.Load(kPipeline, "process.executor = 'local'", dir());
    ASSERT_TRUE(st.ok()) << st.message();
    ExecutorSlot slot;
    slot.executor = &jobs_;
    slot.cpus = 1;
    slot.max_running = 2;
    slots_["local"] = slot;  // a stand-in: executor names are ferry's (rules/directive_rules.h)
  }
  RunDriver Make() { return RunDriver(&graph_, pipeline_.expander.get(), slots_, nullptr, nullptr, RunOptions{}); }

  engine_testing::Expanded pipeline_;
  TaskGraph& graph_ = pipeline_.graph;
  FakeJobs jobs_;
  std::map<std::string, ExecutorSlot> slots_;
};

TEST_F(RunDriverSlots, TaskCountedSlotIgnoresCpusAndCapsTasksInFlight) {
  RunDriver b = Make();
  ASSERT_TRUE(b.Validate().ok());  // 16 cpus on a 1-cpu slot: fine, jobs are counted
  RunStats stats;
  Status st = b.Run(&stats);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(stats.completed, static_cast<int>(graph_.tasks.size()));
  EXPECT_EQ(jobs_.max_in_flight, 2u);
}

TEST_F(RunDriverSlots, TaskRunsCarryScriptInputsOutputsAndArrayKey) {
  RunDriver b = Make();
  RunStats stats;
  ASSERT_TRUE(b.Run(&stats).ok());
  const TaskRun* merge = nullptr;
  for (const auto& r : jobs_.runs) {
    if (r.process == "split") {
      EXPECT_EQ(r.array_key, "split");
      EXPECT_EQ(r.array_size, 2);
      ASSERT_EQ(r.outputs.size(), 1u);
      EXPECT_EQ(r.script.rfind("#!/bin/bash", 0), 0u) << r.script;
      EXPECT_NE(r.script.find("echo"), std::string::npos);
    } else {
      merge = &r;
    }
  }
  ASSERT_NE(merge, nullptr);
  EXPECT_EQ(merge->array_key, "");
  EXPECT_EQ(merge->outputs, std::vector<std::string>{"all.txt"});
  ASSERT_EQ(merge->inputs.size(), jobs_.runs.size() - 1);
  for (const auto& [source, name] : merge->inputs) {
    EXPECT_EQ(source.substr(source.size() - name.size()), name);
    EXPECT_EQ(source.rfind((fs::path(dir()) / "work").string(), 0), 0u) << source;
  }
}

TEST_F(RunDriverSlots, PreflightSeesEveryTaskAndAnInvalidAnswerStopsTheRun) {
  jobs_.preflight_result = Status::Invalid("queue 'q' does not exist");
  RunDriver b = Make();
  Status st = b.Preflight();
  EXPECT_EQ(st.exit_code(), 2);
  EXPECT_EQ(st.message(), "queue 'q' does not exist");
  EXPECT_EQ(jobs_.preflighted.size(), graph_.tasks.size());
  EXPECT_TRUE(jobs_.runs.empty());
}

}  // namespace
}  // namespace ferry
