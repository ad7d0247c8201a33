// RunDriver: drives one run of a TaskGraph to completion. It keeps the plan
// (which tasks are ready: all dependencies done), starts ready tasks on their
// executor while cpus, memory and maxForks allow, reuses recorded successes
// with -resume, applies each task's errorStrategy and retries, publishes
// outputs, and tells one RunObserver (events/run_events.h) what happens to
// every task: display, history and trace listen there. One thread;
// executors are polled, never waited on per task.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "engine/expander.h"
#include "engine/publish_guard.h"
#include "engine/task_graph.h"
#include "engine/work_store.h"
#include "events/run_events.h"
#include "executor/executor.h"
#include "store/history.h"
#include "util/status.h"

namespace ferry {

struct ExecutorSlot {
  Executor* executor = nullptr;
  int cpus = 1;              // capacity
  int64_t memory_bytes = 0;  // capacity; 0 = unlimited
  // > 0: the executor's capacity is a number of tasks in flight (awsbatch:
  // executor.queueSize), not cpus and memory: the remote service decides
  // where each task fits.
  int max_running = 0;
};

struct RunOptions {
  bool resume = false;
  std::string launch_dir;                                // publish dirs are relative to it
  std::vector<std::pair<std::string, std::string>> env;  // config env scope
  int abort_grace_ms = 3000;
  // The store for s3:// work dirs, inputs and publish targets; null when
  // the run uses none.
  WorkStore* s3_store = nullptr;
  // What publishing must not overwrite (the pipeline's files, its inputs);
  // null: nothing is checked.
  const PublishGuard* publish_guard = nullptr;
  // The engine that runs local tasks with a `container` (none: on the host).
  ContainerSettings containers;
  // The pipeline's bin/ (absolute; "" for none): on local tasks' PATH.
  std::string bin_dir;
};

// How a run that ended with `result` (RunDriver::Run's) is recorded.
RunState RunEndState(const Status& result);

class RunDriver {
 public:
  // history: where -resume looks for recorded successes (may be null);
  // recording the run is an observer's job. observer may be null (checks
  // that run nothing).
  RunDriver(TaskGraph* graph, Expander* expander, std::map<std::string, ExecutorSlot> executors, History* history,
            RunObserver* observer, RunOptions opts);

  // Checks that every task's executor exists, that its cpus/memory fit
  // that executor's capacity, and that no output is published over a file
  // the publish guard protects, before anything runs.
  Status Validate() const;

  // Hands each executor the first attempts of its tasks to check up front
  // (Executor::Preflight). Invalid = a settings error (exit 2): run nothing.
  Status Preflight();

  // Ok when every task completed (or failed with errorStrategy ignore);
  // Failed when a task failed; Interrupted on Ctrl-C.
  Status Run(RunStats* stats);

 private:
  struct Attempt {
    int attempt = 1;
    bool done = false;
    int pending_deps = 0;
    Directives directives;  // of the attempt in flight
    int64_t submit_ms = 0;
    bool cache_checked = false;     // -resume found no reusable result
    int prepared_attempt = 0;       // attempt whose work dir is already written
    std::string script;             // rendered script of that attempt (empty: the first attempt's, t.script)
    std::vector<uint32_t> dropped;  // upstream tasks gathered from that produced nothing
    bool skipped = false;
    bool produced = false;  // completed or cached: its outputs are there
  };

  bool TryCached(uint32_t idx);
  Status Start(uint32_t idx);
  void HandleResult(const TaskResult& r);
  void Succeeded(uint32_t idx);
  void Release(uint32_t idx);  // dependents may become ready
  // Task idx produced nothing (an ignored failure, a skip): its dependents
  // chained on it are skipped, gathers go on without its outputs.
  void DropFromDependents(uint32_t idx);
  // The (task that produced nothing, dependent) pairs still to decide.
  void DropEdges(std::vector<std::pair<uint32_t, uint32_t>> stack);
  // Makes the tasks of deferred specs whose upstream tasks have all ended
  // (Expander::ExpandDeferred) and enters them into the plan.
  void ExpandWaves();
  void AddTasks(uint32_t first);
  // A task's executor exists and has room for it, its publish targets are
  // allowed (Validate, for each task).
  Status ValidateTask(const Task& t) const;
  // What the task left of its late outputs replaces their patterns.
  void ApplyFound(Task* t, ValueMap* found);
  // All deps of idx are done: re-render it if some produced nothing, queue it.
  void MakeReady(uint32_t idx);
  void ReportFailure(uint32_t idx, const std::string& why, const std::string& details);
  void AbortRunning();
  // Tells the observer that task idx reached `state`; r: how its attempt
  // ended, when it ran; work_dir: where that attempt's dir is now, when it
  // is no longer the task's (a failed attempt kept aside for a retry).
  void Emit(uint32_t idx, TaskState state, const TaskResult* r, const std::string& reason = "",
            const std::string* work_dir = nullptr);
  bool Fits(uint32_t idx) const;
  bool HasRoom(const std::string& executor) const;
  void PrepareAhead();
  Status PrepareTask(const Task& t, const Directives& d, const std::string& script);
  WorkStore* StoreFor(const Task& t);
  Status PublishTask(const Task& t, const std::string& publish);
  // A local publish dir as an absolute path (relative ones are under the launch dir).
  std::string LocalPublishDir(const std::string& publish) const;
  // with_files=false leaves script, inputs and outputs empty (Preflight
  // only looks at settings; 100,000 copies of scripts would be waste).
  TaskRun MakeRun(const Task& t, const Directives& d, const std::string& script, bool with_files = true) const;

  TaskGraph* graph_;
  Expander* expander_;
  std::map<std::string, ExecutorSlot> executors_;
  std::map<std::string, int> cpus_used_;
  std::map<std::string, int64_t> memory_used_;
  std::map<std::string, int> tasks_running_;  // per executor
  LocalWorkStore local_store_;
  std::vector<int> running_per_spec_;
  History* history_;
  RunObserver quiet_;  // stands in when no observer is given
  RunObserver* observer_;
  RunOptions opts_;
  std::vector<Attempt> state_;
  std::set<uint32_t> ready_;          // in task order, so earlier tasks start first
  std::vector<bool> made_;            // per spec: its tasks exist (deferred ones once expanded)
  std::vector<uint32_t> ended_upto_;  // per spec: its tasks before this index have all ended
  size_t running_ = 0;
  bool stop_new_ = false;
  bool aborting_ = false;
  Status failure_;
  RunStats stats_;
};

}  // namespace ferry
