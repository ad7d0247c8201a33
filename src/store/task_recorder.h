// TaskRecorder: the run observer that keeps the record of a run's task
// attempts, one row per attempt that ended (or was reused), in the run
// history (for `ferry log`, `ferry clean` and -resume) and in the
// -with-trace file. Submissions and skipped tasks leave no row.
#pragma once

#include <cstdint>

#include "events/run_events.h"
#include "store/history.h"
#include "store/trace.h"

namespace ferry {

// The history/trace row for one task event of run `run_id`.
TaskRecord TaskRecordFrom(const TaskEvent& e, int64_t run_id);

class TaskRecorder : public TaskEventObserver {
 public:
  // history and trace may be null (nothing recorded there). Write failures
  // are told to `notices` as warnings: the run goes on without the record.
  TaskRecorder(History* history, TraceWriter* trace, int64_t run_id, RunObserver* notices)
      : history_(history), trace_(trace), run_id_(run_id), notices_(notices) {}

  void RunEnded(RunState state, const RunStats& stats) override;

 private:
  void OnTask(const TaskEvent& e) override;
  void Warn(const Status& st);

  History* history_;
  TraceWriter* trace_;
  int64_t run_id_;
  RunObserver* notices_;
};

}  // namespace ferry
