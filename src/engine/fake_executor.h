// FakeExecutor: a test-only Executor for the engine's unit tests, as a fake
// command runner is for a build tool's. Nothing runs: each submitted task
// finishes at a Poll the test chose, with the exit code the test chose for
// that attempt, and a successful one gets its declared outputs written so
// the engine's output checks pass. It records what the engine asked of it.
// Header-only and used by *_test.cc files only.
#pragma once

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "executor/executor.h"

namespace ferry::engine_testing {

class FakeExecutor : public Executor {
 public:
  // How the attempts of one task (by display name) end: exit_codes[i] is
  // attempt i+1's (the last repeats; default 0); each attempt finishes after
  // `polls` Poll calls. done_at_abort: a running attempt that AbortAll
  // catches had already exited 0.
  struct Plan {
    std::vector<int> exit_codes;
    int polls = 1;
    bool done_at_abort = false;
  };
  void Set(const std::string& name, Plan plan) { plans_[name] = std::move(plan); }

  const char* name() const override { return "fake"; }
  Status Submit(const TaskRun& run) override {
    int attempt = ++attempts_[run.name];
    started.push_back(run.name + " #" + std::to_string(attempt));
    const Plan& p = PlanFor(run.name);
    int code = p.exit_codes.empty() ? 0 : p.exit_codes[std::min<size_t>(attempt, p.exit_codes.size()) - 1];
    running_.push_back({run, code, p.polls, p.done_at_abort});
    max_running = std::max(max_running, running_.size());
    return Status::Ok();
  }
  Status Poll(int, std::vector<TaskResult>* finished) override {
    ++polls;
    for (auto it = running_.begin(); it != running_.end();) {
      if (--it->polls_left > 0) {
        ++it;
        continue;
      }
      finished->push_back(Finish(*it, it->exit_code));
      it = running_.erase(it);
    }
    return Status::Ok();
  }
  size_t running() const override { return running_.size(); }
  bool WillAdopt(const std::string& hash, const std::string& work_dir) const override {
    (void)work_dir;
    return adopt.count(hash) > 0;
  }
  void AbortAll(int, std::vector<TaskResult>* aborted) override {
    for (const Running& r : running_) {
      if (r.done_at_abort) {
        aborted->push_back(Finish(r, 0));
        continue;
      }
      TaskResult res = Finish(r, 143);
      res.outcome = TaskResult::Outcome::kAborted;
      res.message = "aborted";
      aborted->push_back(res);
      aborted_names.push_back(r.run.name);
    }
    running_.clear();
  }

  std::set<std::string> adopt;             // hashes WillAdopt says yes to
  std::vector<std::string> started;        // "name #attempt", in submission order
  std::vector<std::string> aborted_names;  // stopped by AbortAll
  size_t max_running = 0;
  int polls = 0;

 private:
  struct Running {
    TaskRun run;
    int exit_code;
    int polls_left;
    bool done_at_abort;
  };
  const Plan& PlanFor(const std::string& name) const {
    static const Plan kDefault;
    auto it = plans_.find(name);
    return it == plans_.end() ? kDefault : it->second;
  }
  // Writes what a real task would leave behind: .exitcode and, on success,
  // its outputs.
  static TaskResult Finish(const Running& r, int exit_code) {
    if (exit_code == 0)
      for (const auto& o : r.run.outputs) std::ofstream(r.run.work_dir + "/" + o) << "x\n";
    std::ofstream(r.run.work_dir + "/.exitcode") << exit_code;
    TaskResult res;
    res.id = r.run.id;
    res.exit_code = exit_code;
    res.native_id = "fake-" + std::to_string(r.run.id);
    res.start_ms = 1000;
    res.end_ms = 2000;
    return res;
  }

  std::map<std::string, Plan> plans_;
  std::map<std::string, int> attempts_;
  std::vector<Running> running_;
};

}  // namespace ferry::engine_testing
