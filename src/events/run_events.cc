#include "events/run_events.h"

namespace ferry {

const char* TaskStateName(TaskState s) {
  switch (s) {
    case TaskState::kSubmitted: return "SUBMITTED";
    case TaskState::kCompleted: return "COMPLETED";
    case TaskState::kCached: return "CACHED";
    case TaskState::kFailed:
    case TaskState::kRetried:
    case TaskState::kIgnored: return "FAILED";
    case TaskState::kAborted: return "ABORTED";
    case TaskState::kSkipped: return "SKIPPED";
  }
  return "UNKNOWN";
}

const char* RunStateName(RunState s) {
  switch (s) {
    case RunState::kRunning: return "RUNNING";
    case RunState::kOk: return "OK";
    case RunState::kFailed: return "FAILED";
    case RunState::kAborted: return "ABORTED";
    case RunState::kDied: return "DIED";
  }
  return "UNKNOWN";
}

void Dispatch(RunObserver* o, const TaskEvent& e) {
  switch (e.state) {
    case TaskState::kSubmitted: return o->TaskSubmitted(e);
    case TaskState::kCompleted: return o->TaskCompleted(e);
    case TaskState::kCached: return o->TaskCached(e);
    case TaskState::kFailed: return o->TaskFailed(e);
    case TaskState::kRetried: return o->TaskRetried(e);
    case TaskState::kIgnored: return o->TaskIgnored(e);
    case TaskState::kAborted: return o->TaskAborted(e);
    case TaskState::kSkipped: return o->TaskSkipped(e);
  }
}

void RunObservers::RunStarted(const std::vector<std::pair<std::string, int>>& planned) {
  for (RunObserver* o : observers_) o->RunStarted(planned);
}

void RunObservers::Notice(Severity severity, const std::string& text) {
  for (RunObserver* o : observers_) o->Notice(severity, text);
}

void RunObservers::Tick() {
  for (RunObserver* o : observers_) o->Tick();
}

void RunObservers::RunEnded(RunState state, const RunStats& stats) {
  for (RunObserver* o : observers_) o->RunEnded(state, stats);
}

}  // namespace ferry
