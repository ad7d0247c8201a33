#include "store/history.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include <unistd.h>

#include "store/run_name.h"
#include "util/clock_text.h"
#include "util/process_identity.h"

namespace ferry {

namespace {

// 2: runs record the ferry process that runs them (ferry_pid, ferry_start,
// ferry_host), so a RUNNING run whose ferry died can be told DIED.
// 3: tasks record what they used (TaskUsage; -1 = not measured).
constexpr int kSchemaVersion = 3;

// AUTOINCREMENT keeps a deleted run's id from being reused, so "run 7" in a
// user's notes always means the same run.
const char* const kSchema = R"sql(
CREATE TABLE IF NOT EXISTS runs(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_name TEXT NOT NULL UNIQUE,
  pipeline TEXT NOT NULL DEFAULT '',
  command_line TEXT NOT NULL DEFAULT '',
  launch_dir TEXT NOT NULL DEFAULT '',
  work_dir TEXT NOT NULL DEFAULT '',
  start_ms INTEGER NOT NULL DEFAULT 0,
  end_ms INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'RUNNING',
  completed INTEGER NOT NULL DEFAULT 0,
  cached INTEGER NOT NULL DEFAULT 0,
  failed INTEGER NOT NULL DEFAULT 0,
  ferry_pid INTEGER NOT NULL DEFAULT 0,
  ferry_start INTEGER NOT NULL DEFAULT 0,
  ferry_host TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS tasks(
  run_id INTEGER NOT NULL,
  task_id INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  hash TEXT NOT NULL,
  name TEXT NOT NULL,
  process TEXT NOT NULL,
  status TEXT NOT NULL,
  executor TEXT NOT NULL,
  native_id TEXT NOT NULL,
  work_dir TEXT NOT NULL,
  exit_code INTEGER NOT NULL,
  cpus INTEGER NOT NULL,
  spot_retries INTEGER NOT NULL,
  memory_bytes INTEGER NOT NULL,
  submit_ms INTEGER NOT NULL,
  start_ms INTEGER NOT NULL,
  end_ms INTEGER NOT NULL,
  realtime_ms INTEGER NOT NULL DEFAULT -1,
  cpu_user_ms INTEGER NOT NULL DEFAULT -1,
  cpu_sys_ms INTEGER NOT NULL DEFAULT -1,
  peak_rss INTEGER NOT NULL DEFAULT -1,
  peak_vmem INTEGER NOT NULL DEFAULT -1,
  rchar INTEGER NOT NULL DEFAULT -1,
  wchar INTEGER NOT NULL DEFAULT -1,
  read_bytes INTEGER NOT NULL DEFAULT -1,
  write_bytes INTEGER NOT NULL DEFAULT -1,
  syscr INTEGER NOT NULL DEFAULT -1,
  syscw INTEGER NOT NULL DEFAULT -1,
  peak_threads INTEGER NOT NULL DEFAULT -1,
  peak_procs INTEGER NOT NULL DEFAULT -1,
  queue_ms INTEGER NOT NULL DEFAULT -1,
  instance_type TEXT NOT NULL DEFAULT '',
  PRIMARY KEY(run_id, task_id, attempt));
CREATE INDEX IF NOT EXISTS tasks_by_hash ON tasks(hash);
)sql";

// From schema 1, whose runs table lacks the ferry process columns.
const char* const kMigrateFrom1 = R"sql(
ALTER TABLE runs ADD COLUMN ferry_pid INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN ferry_start INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN ferry_host TEXT NOT NULL DEFAULT '';
)sql";

// From schema 2 (or 1, after kMigrateFrom1), whose tasks lack the usage
// columns: records made before were not measured, so they read as -1.
const char* const kMigrateFrom2 = R"sql(
ALTER TABLE tasks ADD COLUMN realtime_ms INTEGER NOT NULL DEFAULT -1;
ALTER TABLE tasks ADD COLUMN cpu_user_ms INTEGER NOT NULL DEFAULT -1;
ALTER TABLE tasks ADD COLUMN cpu_sys_ms INTEGER NOT NULL DEFAULT -1;
ALTER TABLE tasks ADD COLUMN peak_rss INTEGER NOT NULL DEFAULT -1;
ALTER TABLE tasks ADD COLUMN peak_vmem INTEGER NOT NULL DEFAULT -1;
ALTER TABLE tasks ADD COLUMN rchar INTEGER NOT NULL DEFAULT -1;
ALTER TABLE tasks ADD COLUMN wchar INTEGER NOT NULL DEFAULT -1;
ALTER TABLE tasks ADD COLUMN read_bytes INTEGER NOT NULL DEFAULT -1;
ALTER TABLE tasks ADD COLUMN write_bytes INTEGER NOT NULL DEFAULT -1;
ALTER TABLE tasks ADD COLUMN syscr INTEGER NOT NULL DEFAULT -1;
ALTER TABLE tasks ADD COLUMN syscw INTEGER NOT NULL DEFAULT -1;
ALTER TABLE tasks ADD COLUMN peak_threads INTEGER NOT NULL DEFAULT -1;
ALTER TABLE tasks ADD COLUMN peak_procs INTEGER NOT NULL DEFAULT -1;
ALTER TABLE tasks ADD COLUMN queue_ms INTEGER NOT NULL DEFAULT -1;
ALTER TABLE tasks ADD COLUMN instance_type TEXT NOT NULL DEFAULT '';
)sql";

const char* const kTaskColumns =
    "run_id, task_id, attempt, hash, name, process, status, executor, native_id, work_dir, "
    "exit_code, cpus, spot_retries, memory_bytes, submit_ms, start_ms, end_ms, "
    "realtime_ms, cpu_user_ms, cpu_sys_ms, peak_rss, peak_vmem, rchar, wchar, "
    "read_bytes, write_bytes, syscr, syscw, peak_threads, peak_procs, queue_ms, instance_type";

const char* const kRunColumns =
    "id, run_name, pipeline, command_line, launch_dir, work_dir, start_ms, end_ms, status, "
    "completed, cached, failed, ferry_pid, ferry_start, ferry_host";

void BindTask(SqliteStmt* s, const TaskRecord& t) {
  const TaskUsage& u = t.usage;
  s->BindAll(t.run_id, t.task_id, t.attempt, t.hash, t.name, t.process, t.status, t.executor, t.native_id, t.work_dir,
             t.exit_code, t.cpus, t.spot_retries, t.memory_bytes, t.submit_ms, t.start_ms, t.end_ms, u.realtime_ms,
             u.cpu_user_ms, u.cpu_sys_ms, u.peak_rss, u.peak_vmem, u.rchar, u.wchar, u.read_bytes, u.write_bytes,
             u.syscr, u.syscw, u.peak_threads, u.peak_procs, u.queue_ms, u.instance_type);
}

TaskRecord ReadTask(const SqliteStmt& s) {
  TaskRecord t;
  TaskUsage& u = t.usage;
  s.ReadAll(&t.run_id, &t.task_id, &t.attempt, &t.hash, &t.name, &t.process, &t.status, &t.executor, &t.native_id,
            &t.work_dir, &t.exit_code, &t.cpus, &t.spot_retries, &t.memory_bytes, &t.submit_ms, &t.start_ms, &t.end_ms,
            &u.realtime_ms, &u.cpu_user_ms, &u.cpu_sys_ms, &u.peak_rss, &u.peak_vmem, &u.rchar, &u.wchar, &u.read_bytes,
            &u.write_bytes, &u.syscr, &u.syscw, &u.peak_threads, &u.peak_procs, &u.queue_ms, &u.instance_type);
  return t;
}

RunRecord ReadRun(const SqliteStmt& s) {
  RunRecord r;
  s.ReadAll(&r.id, &r.run_name, &r.pipeline, &r.command_line, &r.launch_dir, &r.work_dir, &r.start_ms, &r.end_ms,
            &r.status, &r.completed, &r.cached, &r.failed, &r.ferry_pid, &r.ferry_start, &r.ferry_host);
  return r;
}

bool IsAllDigits(const std::string& s) {
  if (s.empty() || s.size() > 18) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

std::string HostName() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "";
  return buf;
}

}  // namespace

History::History(std::string path) : path_(std::move(path)), rng_(std::random_device{}()) {}

History::~History() {
  Status st = Flush();
  if (!st.ok()) std::fprintf(stderr, "WARN: %s\n", st.message().c_str());
}

Status History::Error(int rc, const std::string& what) const {
  std::string detail = db_.get() ? db_.ErrorMessage() : sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Failed("run history " + path_ + " is locked by another ferry process (" + what +
                            "); wait for it to finish and try again");
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::Failed("run history " + path_ + " is damaged (" + detail +
                            "); move it aside or delete it (it only holds past runs and "
                            "-resume records) and run again");
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_IOERR:
    case SQLITE_FULL:
      return Status::Failed("cannot " + what + " in run history " + path_ + " (" + detail +
                            "); check that the directory is writable and the disk not full");
    default: return Status::Failed("run history " + path_ + ": " + what + ": " + detail);
  }
}

Status History::Prepare(SqliteStmt* stmt, const char* sql) {
  int rc = db_.Prepare(sql, stmt);
  if (rc != SQLITE_OK) return Error(rc, "prepare a query");
  return Status::Ok();
}

Status History::Open(const std::string& ferry_dir, std::unique_ptr<History>* out, int busy_timeout_ms) {
  std::error_code ec;
  std::filesystem::create_directories(ferry_dir, ec);
  if (ec)
    return Status::Failed("cannot create the run history directory " + ferry_dir + ": " + ec.message() +
                          "; run ferry from a writable directory");
  std::unique_ptr<History> h(new History(ferry_dir + "/history.db"));
  FERRY_RETURN_IF_ERROR(h->Init(busy_timeout_ms));
  *out = std::move(h);
  return Status::Ok();
}

Status History::Init(int busy_timeout_ms) {
  int rc = db_.OpenShared(path_, busy_timeout_ms);
  if (rc != SQLITE_OK) return Error(rc, "open the database");
  sqlite3_extended_result_codes(db_.get(), 1);

  // WAL lets `ferry log` read while a run writes; NORMAL sync is durable
  // against a crash of ferry (a power cut may lose the last commits, never
  // corrupt), without an fsync per commit.
  rc = db_.Exec("PRAGMA journal_mode=WAL");
  if (rc != SQLITE_OK) return Error(rc, "open the database");
  rc = db_.Exec("PRAGMA synchronous=NORMAL");
  if (rc != SQLITE_OK) return Error(rc, "open the database");

  SqliteTransaction create(&db_);
  rc = create.Begin();
  if (rc != SQLITE_OK) return Error(rc, "open the database");
  int version = 0;
  {
    SqliteStmt s;
    rc = db_.Prepare("PRAGMA user_version", &s);
    if (rc == SQLITE_OK && s.Step() == SQLITE_ROW) version = static_cast<int>(s.Int(0));
  }
  if (version > kSchemaVersion) {
    return Status::Failed("run history " + path_ + " was written by a newer ferry (schema " + std::to_string(version) +
                          "); upgrade ferry or move the file aside");
  }
  rc = db_.Exec(kSchema);
  if (rc == SQLITE_OK && version == 1) rc = db_.Exec(kMigrateFrom1);
  // A schema-1 database may lack the tasks table altogether (kSchema just
  // made it, usage columns included): ask the table, not the version.
  if (rc == SQLITE_OK && version < kSchemaVersion) {
    bool has_usage = false;
    SqliteStmt cols;
    if (db_.Prepare("SELECT 1 FROM pragma_table_info('tasks') WHERE name = 'peak_rss'", &cols) == SQLITE_OK)
      has_usage = cols.Step() == SQLITE_ROW;
    if (!has_usage) rc = db_.Exec(kMigrateFrom2);
  }
  if (rc == SQLITE_OK && version < kSchemaVersion)
    rc = db_.Exec("PRAGMA user_version=" + std::to_string(kSchemaVersion));
  if (rc == SQLITE_OK) rc = create.Commit();
  if (rc != SQLITE_OK) return Error(rc, "create tables");

  std::string placeholders = "?";
  for (const char* c = kTaskColumns; *c; ++c)
    if (*c == ',') placeholders += ",?";
  std::string insert_task =
      std::string("INSERT OR REPLACE INTO tasks(") + kTaskColumns + ") VALUES(" + placeholders + ")";
  FERRY_RETURN_IF_ERROR(Prepare(&insert_task_, insert_task.c_str()));
  std::string find = std::string("SELECT ") + kTaskColumns + " FROM tasks WHERE hash = ? AND status IN ('" +
                     TaskStateName(TaskState::kCompleted) + "','" + TaskStateName(TaskState::kCached) +
                     "')"
                     " ORDER BY rowid DESC LIMIT 1";
  FERRY_RETURN_IF_ERROR(Prepare(&find_success_, find.c_str()));
  FERRY_RETURN_IF_ERROR(Prepare(&insert_run_,
                                "INSERT INTO runs(run_name, pipeline, command_line, launch_dir, "
                                "work_dir, start_ms, end_ms, status, completed, cached, failed, "
                                "ferry_pid, ferry_start, ferry_host) "
                                "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  // Best effort: a read-only or busy database still opens for reading.
  if (Status died = MarkDiedRuns(); !died.ok()) std::fprintf(stderr, "WARN: %s\n", died.message().c_str());
  return Status::Ok();
}

Status History::MarkDiedRuns() {
  SqliteStmt s;
  FERRY_RETURN_IF_ERROR(Prepare(&s, (std::string("SELECT ") + kRunColumns + " FROM runs WHERE status = '" +
                                     RunStateName(RunState::kRunning) + "' AND ferry_pid > 0 AND ferry_host = ?")
                                        .c_str()));
  s.Bind(1, HostName());
  std::vector<RunRecord> running;
  FERRY_RETURN_IF_ERROR(ReadRuns(&s, &running));
  for (const RunRecord& run : running) {
    ProcessIdentity ferry{static_cast<pid_t>(run.ferry_pid), static_cast<uint64_t>(run.ferry_start)};
    if (StillRunning(ferry)) continue;
    // The counts and end time the run would have recorded, from its task
    // rows (each written as the task ended); only if it is still RUNNING
    // (another ferry may have marked it meanwhile).
    SqliteStmt mark;
    FERRY_RETURN_IF_ERROR(
        Prepare(&mark,
                "UPDATE runs SET status = ?1, "
                "end_ms = MAX(start_ms, (SELECT IFNULL(MAX(end_ms), 0) FROM tasks WHERE run_id = ?2)), "
                "completed = (SELECT COUNT(*) FROM tasks WHERE run_id = ?2 AND status = ?4), "
                "cached = (SELECT COUNT(*) FROM tasks WHERE run_id = ?2 AND status = ?5), "
                "failed = (SELECT COUNT(*) FROM tasks WHERE run_id = ?2 AND status = ?6) "
                "WHERE id = ?2 AND status = ?3"));
    mark.BindAll(RunStateName(RunState::kDied), run.id, RunStateName(RunState::kRunning),
                 TaskStateName(TaskState::kCompleted), TaskStateName(TaskState::kCached),
                 TaskStateName(TaskState::kFailed));
    int rc = mark.Step();
    if (rc != SQLITE_DONE) return Error(rc, "mark a run whose ferry died");
  }
  return Status::Ok();
}

Status History::BeginRun(RunRecord* run) {
  if (run->status.empty()) run->status = RunStateName(RunState::kRunning);
  if (run->start_ms == 0) run->start_ms = NowMs();
  if (run->ferry_pid == 0) {
    ProcessIdentity self = SelfIdentity();
    run->ferry_pid = self.pid;
    run->ferry_start = static_cast<int64_t>(self.start_time);
    run->ferry_host = HostName();
  }
  const bool generate = run->run_name.empty();
  for (int attempt = 0;; ++attempt) {
    if (generate) {
      run->run_name = RunNameFromNumber(rng_());
      // Once the plain names get crowded, a number keeps retries short.
      if (attempt >= 20) run->run_name += "_" + std::to_string(rng_() % 100000);
    }
    SqliteStmt& s = insert_run_;
    s.Reset();
    s.BindAll(run->run_name, run->pipeline, run->command_line, run->launch_dir, run->work_dir, run->start_ms,
              run->end_ms, run->status, run->completed, run->cached, run->failed, run->ferry_pid, run->ferry_start,
              run->ferry_host);
    int rc = s.Step();
    s.Reset();
    if (rc == SQLITE_DONE) {
      run->id = db_.LastInsertId();
      return Status::Ok();
    }
    if ((rc & 0xff) == SQLITE_CONSTRAINT) {
      if (!generate)
        return Status::Invalid("run name '" + run->run_name + "' is already used in " + path_ +
                               "; choose another name");
      if (attempt < 100) continue;
    }
    return Error(rc, "record the run");
  }
}

Status History::FinishRun(const RunRecord& run) {
  FERRY_RETURN_IF_ERROR(Flush());
  SqliteStmt s;
  FERRY_RETURN_IF_ERROR(Prepare(&s,
                                "UPDATE runs SET pipeline=?, command_line=?, launch_dir=?, "
                                "work_dir=?, start_ms=?, end_ms=?, status=?, completed=?, "
                                "cached=?, failed=? WHERE id=?"));
  s.BindAll(run.pipeline, run.command_line, run.launch_dir, run.work_dir, run.start_ms,
            run.end_ms ? run.end_ms : NowMs(), run.status, run.completed, run.cached, run.failed, run.id);
  int rc = s.Step();
  if (rc != SQLITE_DONE) return Error(rc, "record the end of the run");
  if (db_.Changes() == 0) return Status::NotFound("run " + std::to_string(run.id) + " is not in " + path_);
  return Status::Ok();
}

Status History::RecordTask(const TaskRecord& t) {
  pending_.push_back(t);
  return Flush();
}

Status History::Flush() {
  if (pending_.empty()) return Status::Ok();
  SqliteTransaction batch(&db_);
  int rc = batch.Begin();
  if (rc != SQLITE_OK) return Error(rc, "record tasks");
  for (const TaskRecord& t : pending_) {
    insert_task_.Reset();
    BindTask(&insert_task_, t);
    rc = insert_task_.Step();
    if (rc != SQLITE_DONE) {
      Status st = Error(rc, "record tasks");
      insert_task_.Reset();
      return st;  // rolled back; records stay pending for the next attempt
    }
  }
  insert_task_.Reset();
  rc = batch.Commit();
  if (rc != SQLITE_OK) return Error(rc, "record tasks");
  pending_.clear();
  return Status::Ok();
}

Status History::FindSuccess(const std::string& hash, TaskRecord* out, bool* found) {
  FERRY_RETURN_IF_ERROR(Flush());
  *found = false;
  SqliteStmt& s = find_success_;
  s.Reset();
  s.Bind(1, hash);
  int rc = s.ReadFirstRow(out, found, ReadTask);
  s.Reset();
  if (rc != SQLITE_OK) return Error(rc, "look up a cached task");
  return Status::Ok();
}

Status History::ReadRuns(SqliteStmt* s, std::vector<RunRecord>* out) {
  int rc = s->AppendRows(out, ReadRun);
  if (rc != SQLITE_OK) return Error(rc, "read runs");
  return Status::Ok();
}

Status History::ListRuns(std::vector<RunRecord>* out) {
  out->clear();
  SqliteStmt s;
  FERRY_RETURN_IF_ERROR(Prepare(&s, (std::string("SELECT ") + kRunColumns + " FROM runs ORDER BY id").c_str()));
  return ReadRuns(&s, out);
}

Status History::FindRun(const std::string& name_or_id, RunRecord* out, bool* found) {
  *found = false;
  SqliteStmt s;
  std::string select = std::string("SELECT ") + kRunColumns + " FROM runs ";
  if (name_or_id == "last") {
    FERRY_RETURN_IF_ERROR(Prepare(&s, (select + "ORDER BY id DESC LIMIT 1").c_str()));
  } else if (IsAllDigits(name_or_id)) {
    FERRY_RETURN_IF_ERROR(Prepare(&s, (select + "WHERE id = ?").c_str()));
    s.Bind(1, static_cast<int64_t>(std::stoll(name_or_id)));
  } else {
    FERRY_RETURN_IF_ERROR(Prepare(&s, (select + "WHERE run_name = ?").c_str()));
    s.Bind(1, name_or_id);
  }
  std::vector<RunRecord> runs;
  FERRY_RETURN_IF_ERROR(ReadRuns(&s, &runs));
  if (!runs.empty()) {
    *out = runs.front();
    *found = true;
  }
  return Status::Ok();
}

Status History::ListTasks(int64_t run_id, std::vector<TaskRecord>* out) {
  FERRY_RETURN_IF_ERROR(Flush());
  out->clear();
  SqliteStmt s;
  FERRY_RETURN_IF_ERROR(Prepare(
      &s, (std::string("SELECT ") + kTaskColumns + " FROM tasks WHERE run_id = ? ORDER BY task_id, attempt").c_str()));
  s.Bind(1, run_id);
  int rc = s.AppendRows(out, ReadTask);
  if (rc != SQLITE_OK) return Error(rc, "read tasks");
  return Status::Ok();
}

Status History::DeleteRun(int64_t run_id) {
  FERRY_RETURN_IF_ERROR(Flush());
  SqliteTransaction deletion(&db_);
  int rc = deletion.Begin();
  if (rc != SQLITE_OK) return Error(rc, "delete a run");
  SqliteStmt del_tasks, del_run;
  FERRY_RETURN_IF_ERROR(Prepare(&del_tasks, "DELETE FROM tasks WHERE run_id = ?"));
  FERRY_RETURN_IF_ERROR(Prepare(&del_run, "DELETE FROM runs WHERE id = ?"));
  del_tasks.Bind(1, run_id);
  del_run.Bind(1, run_id);
  rc = del_tasks.Step();
  if (rc == SQLITE_DONE) rc = del_run.Step();
  if (rc != SQLITE_DONE) return Error(rc, "delete a run");
  bool existed = db_.Changes() > 0;
  rc = deletion.Commit();
  if (rc != SQLITE_OK) return Error(rc, "delete a run");
  if (!existed) return Status::NotFound("no run with id " + std::to_string(run_id) + " in " + path_);
  return Status::Ok();
}

}  // namespace ferry
