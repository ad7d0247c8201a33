#include "store/task_recorder.h"

namespace ferry {

TaskRecord TaskRecordFrom(const TaskEvent& e, int64_t run_id) {
  TaskRecord rec;
  rec.run_id = run_id;
  rec.task_id = e.task_id;
  rec.hash = e.hash;
  rec.name = e.name;
  rec.process = e.process;
  rec.status = TaskStateName(e.state);
  rec.executor = e.executor;
  rec.native_id = e.native_id;
  rec.work_dir = e.work_dir;
  rec.exit_code = e.exit_code;
  rec.attempt = e.attempt;
  rec.cpus = e.cpus;
  rec.spot_retries = e.spot_retries;
  rec.memory_bytes = e.memory_bytes;
  rec.submit_ms = e.submit_ms;
  rec.start_ms = e.start_ms;
  rec.end_ms = e.end_ms;
  rec.usage = e.usage;
  return rec;
}

void TaskRecorder::Warn(const Status& st) {
  if (!st.ok() && notices_) notices_->Notice(Severity::kWarning, st.message());
}

void TaskRecorder::OnTask(const TaskEvent& e) {
  // A row per attempt that ended or was reused; a submission or a task that
  // never started has none.
  if (e.state == TaskState::kSubmitted || e.state == TaskState::kSkipped) return;
  TaskRecord rec = TaskRecordFrom(e, run_id_);
  if (history_) Warn(history_->RecordTask(rec));
  if (trace_) Warn(trace_->Write(rec));
}

void TaskRecorder::RunEnded(RunState, const RunStats&) {
  if (history_) Warn(history_->Flush());
}

}  // namespace ferry
