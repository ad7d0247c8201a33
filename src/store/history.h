// History: the record of past runs and their tasks, kept in SQLite at
// <launch_dir>/.ferry/history.db. It answers `ferry log`, lets `ferry clean`
// find old work dirs, and gives -resume the recorded successes to reuse.
// Task records are buffered and written in batches (one transaction per
// batch), so a 10,000-task run costs a handful of commits, not 10,000.
// Several ferry processes may share one database (WAL mode, busy timeout).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "events/run_events.h"
#include "store/sqlite.h"
#include "util/status.h"

namespace ferry {

struct RunRecord {
  int64_t id = 0;
  std::string run_name;  // memorable and unique in the db, e.g. "brave_turing"
  std::string pipeline, command_line, launch_dir, work_dir;
  int64_t start_ms = 0, end_ms = 0;
  std::string status;  // RunStateName()
  int completed = 0, cached = 0, failed = 0;
};

// One attempt of one task.
struct TaskRecord {
  int64_t run_id = 0;
  uint64_t task_id = 0;
  std::string hash, name, process, status;  // status: TaskStateName()
  std::string executor, native_id, work_dir;
  int exit_code = -1, attempt = 1, cpus = 1, spot_retries = 0;
  int64_t memory_bytes = 0, submit_ms = 0, start_ms = 0, end_ms = 0;
};

class History {
 public:
  // Opens (creating the directory and database as needed) ferry_dir/history.db.
  // busy_timeout_ms: how long to wait for another ferry process holding the
  // database before giving up with a "locked" error.
  static Status Open(const std::string& ferry_dir, std::unique_ptr<History>* out, int busy_timeout_ms = 10000);
  // Writes any buffered task records; a failure is reported on stderr, as
  // there is no caller left to return it to.
  ~History();
  History(const History&) = delete;
  History& operator=(const History&) = delete;

  // Inserts the run and assigns run->id. If run->run_name is empty a unique
  // memorable name is generated; a name given by the user must be unused.
  // Empty status becomes RUNNING; start_ms 0 becomes now.
  Status BeginRun(RunRecord* run);
  // Writes buffered tasks, then the run's final status, times and counts.
  Status FinishRun(const RunRecord& run);
  // Buffered: written every ~500 records or 1 s, and by Flush()/FinishRun/the
  // destructor. A record with the same (run_id, task_id, attempt) as an
  // earlier one replaces it.
  Status RecordTask(const TaskRecord& t);
  Status Flush();
  // Latest COMPLETED or CACHED record with this hash (for -resume), any run.
  Status FindSuccess(const std::string& hash, TaskRecord* out, bool* found);
  Status ListRuns(std::vector<RunRecord>* out);  // oldest first
  // By run name, numeric id, or "last" (the latest run).
  Status FindRun(const std::string& name_or_id, RunRecord* out, bool* found);
  Status ListTasks(int64_t run_id, std::vector<TaskRecord>* out);  // by task id, attempt
  // Removes the run and its task records; NotFound if there is no such run.
  Status DeleteRun(int64_t run_id);

  const std::string& path() const { return path_; }

 private:
  explicit History(std::string path);
  Status Init(int busy_timeout_ms);
  // A user-facing error for SQLite result `rc` while doing `what`.
  Status Error(int rc, const std::string& what) const;
  Status Prepare(SqliteStmt* stmt, const char* sql);
  Status ReadRuns(SqliteStmt* stmt, std::vector<RunRecord>* out);

  std::string path_;
  SqliteDb db_;
  SqliteStmt insert_task_, find_success_, insert_run_;
  std::vector<TaskRecord> pending_;
  std::chrono::steady_clock::time_point last_flush_;
  std::mt19937_64 rng_;
};

}  // namespace ferry
