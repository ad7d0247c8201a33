// History: the record of past runs and their tasks, kept in SQLite at
// <launch_dir>/.ferry/history.db. It answers `ferry log`, lets `ferry clean`
// find old work dirs, and gives -resume the recorded successes to reuse.
// Each task record is committed as it is recorded (one transaction per
// ended task, in WAL mode with synchronous=NORMAL: durable against a crash
// of ferry, and no fsync per commit), so a task that completed before ferry
// was killed is never run again by -resume.
// Several ferry processes may share one database (WAL mode, busy timeout).
// Each run records the ferry process running it (pid, start time, host):
// opening the history marks a RUNNING run of this host whose ferry no longer
// runs as DIED.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "events/run_events.h"
#include "events/task_usage.h"
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
  // The ferry process running it (util/process_identity.h); BeginRun fills
  // them with this process's when ferry_pid is 0.
  int64_t ferry_pid = 0, ferry_start = 0;
  std::string ferry_host;
};

// One attempt of one task.
struct TaskRecord {
  int64_t run_id = 0;
  uint64_t task_id = 0;
  std::string hash, name, process, status;  // status: TaskStateName()
  std::string executor, native_id, work_dir;
  int exit_code = -1, attempt = 1, cpus = 1, spot_retries = 0;
  int64_t memory_bytes = 0, submit_ms = 0, start_ms = 0, end_ms = 0;
  TaskUsage usage;
};

class History {
 public:
  // Opens (creating the directory and database as needed) ferry_dir/history.db,
  // and marks DIED each RUNNING run of this host whose ferry has gone.
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
  // Committed before it returns. A record with the same (run_id, task_id,
  // attempt) as an earlier one replaces it. One that could not be written
  // (database locked) stays pending and goes with the next record or Flush().
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
  Status MarkDiedRuns();

  std::string path_;
  SqliteDb db_;
  SqliteStmt insert_task_, find_success_, insert_run_;
  std::vector<TaskRecord> pending_;
  std::mt19937_64 rng_;
};

}  // namespace ferry
