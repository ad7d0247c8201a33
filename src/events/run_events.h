// Run events: what happens to a run and its tasks, as typed values, and
// RunObserver, the one interface through which the engine tells the rest of
// ferry about it (the live display, history, trace, and any report).
//
// A leaf module of its own (no dependency but the standard library) so that
// the engine emits events without knowing who listens, and ui and store
// implement observers without depending on the engine: engine, ui and store
// all depend on this module, never on each other for events.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "events/task_usage.h"

namespace ferry {

// What one attempt of one task is, or how it ended.
enum class TaskState {
  kSubmitted,  // handed to its executor
  kCompleted,  // exited 0 with its outputs in place
  kCached,     // -resume reused a recorded success: nothing ran
  kFailed,     // failed for good and the run stops (errorStrategy terminate or finish)
  kRetried,    // this attempt failed; attempt + 1 follows (errorStrategy retry)
  kIgnored,    // failed under errorStrategy ignore: the run goes on without its dependents
  kAborted,    // stopped by ferry (Ctrl-C, or another task's failure)
  kSkipped,    // never started: it needs outputs of an ignored failure
};

// How a whole run ended (or that it is still going).
// kDied: the ferry running it ended without recording how (killed, crashed,
// the machine went down); set by whoever opens the history next.
enum class RunState { kRunning, kOk, kFailed, kAborted, kDied };

// The names history rows and trace files store ("COMPLETED", "FAILED", ...).
// Retried and ignored attempts are stored as FAILED: the record says how the
// attempt ended, not what the engine decided next. The one place these
// strings are spelled.
const char* TaskStateName(TaskState s);
const char* RunStateName(RunState s);

// One thing that happened to one attempt of one task. Every field is filled
// for every event as far as it is known at that point (times and native_id
// only once the executor reported them; exit_code -1 when there is none).
struct TaskEvent {
  TaskState state = TaskState::kSubmitted;
  uint32_t index = 0;  // position in the run's task list; task id = index + 1
  uint64_t task_id = 0;
  std::string process;      // spec name, e.g. "count"
  std::string name;         // display name, e.g. "count (3)"
  std::string hash;         // full identity hash
  std::string hash_prefix;  // "ab/12cd34": the short form shown to users
  std::string executor;     // "local", "awsbatch"
  std::string native_id;    // pid, Batch job id
  std::string work_dir;
  int attempt = 1;  // the attempt this event is about
  int exit_code = -1;
  int cpus = 1;
  int64_t memory_bytes = 0;
  int64_t submit_ms = 0, start_ms = 0, end_ms = 0;  // epoch millis, 0 = unknown
  int spot_retries = 0;
  std::string reason;  // for failures: why, e.g. "exit status 7"
  TaskUsage usage;     // what the attempt used, as its executor measured it
};

struct RunStats {
  int completed = 0, cached = 0, failed = 0, ignored = 0, aborted = 0, skipped = 0, retried = 0;
};

enum class Severity { kInfo, kWarning, kError };

// Receives a run's events, in order, on the engine's one thread. Every
// method has an empty default so an observer overrides what it needs.
class RunObserver {
 public:
  virtual ~RunObserver() = default;
  // Before any task: each process and its number of tasks, in pipeline order.
  virtual void RunStarted(const std::vector<std::pair<std::string, int>>& planned) { (void)planned; }
  virtual void TaskSubmitted(const TaskEvent& e) { (void)e; }
  virtual void TaskCompleted(const TaskEvent& e) { (void)e; }
  virtual void TaskCached(const TaskEvent& e) { (void)e; }
  virtual void TaskFailed(const TaskEvent& e) { (void)e; }
  virtual void TaskRetried(const TaskEvent& e) { (void)e; }
  virtual void TaskIgnored(const TaskEvent& e) { (void)e; }
  virtual void TaskAborted(const TaskEvent& e) { (void)e; }
  virtual void TaskSkipped(const TaskEvent& e) { (void)e; }
  // Text for the user: a warning, a failure report, a note on what the run
  // does next. Without the "warning: " prefix; observers that print add it.
  virtual void Notice(Severity severity, const std::string& text) {
    (void)severity;
    (void)text;
  }
  // The run loop is alive (after each executor poll), for displays that
  // redraw on a timer.
  virtual void Tick() {}
  virtual void RunEnded(RunState state, const RunStats& stats) {
    (void)state;
    (void)stats;
  }
};

// Calls the method matching e.state on `o`.
void Dispatch(RunObserver* o, const TaskEvent& e);

// An observer that handles every kind of task event in one method (a
// display or a record treats them alike, looking at e.state).
class TaskEventObserver : public RunObserver {
 public:
  void TaskSubmitted(const TaskEvent& e) override { OnTask(e); }
  void TaskCompleted(const TaskEvent& e) override { OnTask(e); }
  void TaskCached(const TaskEvent& e) override { OnTask(e); }
  void TaskFailed(const TaskEvent& e) override { OnTask(e); }
  void TaskRetried(const TaskEvent& e) override { OnTask(e); }
  void TaskIgnored(const TaskEvent& e) override { OnTask(e); }
  void TaskAborted(const TaskEvent& e) override { OnTask(e); }
  void TaskSkipped(const TaskEvent& e) override { OnTask(e); }

 protected:
  virtual void OnTask(const TaskEvent& e) = 0;
};

// Forwards every event to several observers, in the order added.
class RunObservers : public TaskEventObserver {
 public:
  void Add(RunObserver* o) {
    if (o) observers_.push_back(o);
  }
  void RunStarted(const std::vector<std::pair<std::string, int>>& planned) override;
  void Notice(Severity severity, const std::string& text) override;
  void Tick() override;
  void RunEnded(RunState state, const RunStats& stats) override;

 private:
  void OnTask(const TaskEvent& e) override {
    for (RunObserver* o : observers_) Dispatch(o, e);
  }
  std::vector<RunObserver*> observers_;
};

}  // namespace ferry
