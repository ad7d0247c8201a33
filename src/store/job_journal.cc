#include "store/job_journal.h"

#include <filesystem>
#include <system_error>

#include "util/clock_text.h"

namespace ferry {

namespace {

const char* const kJournalSchema = R"sql(
CREATE TABLE IF NOT EXISTS batch_jobs(
  run_id INTEGER NOT NULL,
  hash TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  task_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  process TEXT NOT NULL,
  work_dir TEXT NOT NULL,
  queue TEXT NOT NULL,
  job_name TEXT NOT NULL,
  array_index INTEGER NOT NULL,
  job_id TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  ended_ms INTEGER NOT NULL,
  PRIMARY KEY(run_id, hash, attempt));
CREATE INDEX IF NOT EXISTS batch_jobs_open ON batch_jobs(ended_ms, run_id);
)sql";

// Journals written before Slurm jobs were journalled have no executor
// column: every row in them is a Batch job.
const char* const kAddExecutorColumn = "ALTER TABLE batch_jobs ADD COLUMN executor TEXT NOT NULL DEFAULT 'awsbatch'";

const char* const kJournalColumns =
    "run_id, hash, attempt, task_id, name, process, work_dir, queue, job_name, array_index, job_id, created_ms, "
    "ended_ms, executor";

JournalJob ReadJournalJob(const SqliteStmt& s) {
  JournalJob j;
  s.ReadAll(&j.run_id, &j.hash, &j.attempt, &j.task_id, &j.name, &j.process, &j.work_dir, &j.queue, &j.job_name,
            &j.array_index, &j.job_id, &j.created_ms, &j.ended_ms, &j.executor);
  return j;
}

}  // namespace

Status JobJournal::Open(const std::string& ferry_dir, std::unique_ptr<JobJournal>* out, int busy_timeout_ms) {
  std::error_code ec;
  std::filesystem::create_directories(ferry_dir, ec);
  if (ec)
    return Status::Failed("cannot create the run history directory " + ferry_dir + ": " + ec.message() +
                          "; run ferry from a writable directory");
  std::unique_ptr<JobJournal> j(new JobJournal(ferry_dir + "/history.db"));
  int rc = j->db_.OpenShared(j->path_, busy_timeout_ms);
  if (rc == SQLITE_OK) rc = j->db_.Exec("PRAGMA journal_mode=WAL");
  if (rc == SQLITE_OK) rc = j->db_.Exec(kJournalSchema);
  if (rc == SQLITE_OK && j->db_.Exec(kAddExecutorColumn) != SQLITE_OK &&
      j->db_.ErrorMessage().find("duplicate column") == std::string::npos)
    rc = SQLITE_ERROR;
  if (rc != SQLITE_OK) return j->Error(rc, "open the job journal");
  *out = std::move(j);
  return Status::Ok();
}

Status JobJournal::Error(int rc, const std::string& what) const {
  std::string detail = db_.get() ? db_.ErrorMessage() : sqlite3_errstr(rc);
  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
    return Status::Failed("run history " + path_ + " is locked by another ferry process (" + what +
                          "); wait for it to finish and try again");
  return Status::Failed("cannot " + what + " in run history " + path_ + " (" + detail +
                        "); check that the directory is writable and the disk not full");
}

Status JobJournal::Exec(SqliteStmt* stmt, const std::string& what) {
  int rc = stmt->Step();
  stmt->Reset();
  if (rc != SQLITE_DONE) return Error(rc, what);
  return Status::Ok();
}

Status JobJournal::RecordIntents(const std::vector<JournalJob>& jobs) {
  std::lock_guard<std::mutex> l(mu_);
  SqliteTransaction tx(&db_);
  int rc = tx.Begin();
  if (rc != SQLITE_OK) return Error(rc, "record Batch jobs");
  SqliteStmt s;
  rc = db_.Prepare(
      std::string("INSERT OR REPLACE INTO batch_jobs(") + kJournalColumns + ") VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
      &s);
  if (rc != SQLITE_OK) return Error(rc, "record Batch jobs");
  int64_t now = NowMs();
  for (const JournalJob& j : jobs) {
    s.BindAll(j.run_id, j.hash, j.attempt, j.task_id, j.name, j.process, j.work_dir, j.queue, j.job_name, j.array_index,
              j.job_id, j.created_ms ? j.created_ms : now, j.ended_ms, j.executor);
    FERRY_RETURN_IF_ERROR(Exec(&s, "record Batch jobs"));
  }
  rc = tx.Commit();
  if (rc != SQLITE_OK) return Error(rc, "record Batch jobs");
  return Status::Ok();
}

Status JobJournal::RecordSubmitted(int64_t run_id, const std::string& job_name, const std::string& job_id) {
  std::lock_guard<std::mutex> l(mu_);
  SqliteStmt s;
  int rc = db_.Prepare(
      "UPDATE batch_jobs SET job_id = CASE WHEN array_index < 0 THEN ?1 "
      "WHEN executor = 'slurm' THEN ?1 || '_' || array_index ELSE ?1 || ':' || array_index END "
      "WHERE run_id = ?2 AND job_name = ?3 AND job_id = '' AND ended_ms = 0",
      &s);
  if (rc != SQLITE_OK) return Error(rc, "record a Batch job id");
  s.BindAll(job_id, run_id, job_name);
  return Exec(&s, "record a Batch job id");
}

Status JobJournal::RecordEnded(const std::vector<JobKey>& keys) {
  if (keys.empty()) return Status::Ok();
  std::lock_guard<std::mutex> l(mu_);
  SqliteTransaction tx(&db_);
  int rc = tx.Begin();
  if (rc != SQLITE_OK) return Error(rc, "record the end of Batch jobs");
  SqliteStmt s;
  rc = db_.Prepare("UPDATE batch_jobs SET ended_ms = ? WHERE run_id = ? AND hash = ? AND attempt = ?", &s);
  if (rc != SQLITE_OK) return Error(rc, "record the end of Batch jobs");
  int64_t now = NowMs();
  for (const JobKey& k : keys) {
    s.BindAll(now, k.run_id, k.hash, k.attempt);
    FERRY_RETURN_IF_ERROR(Exec(&s, "record the end of Batch jobs"));
  }
  rc = tx.Commit();
  if (rc != SQLITE_OK) return Error(rc, "record the end of Batch jobs");
  return Status::Ok();
}

Status JobJournal::OpenJobs(int64_t run_id, std::vector<JournalJob>* out, const std::string& executor) {
  std::lock_guard<std::mutex> l(mu_);
  out->clear();
  SqliteStmt s;
  std::string sql = std::string("SELECT ") + kJournalColumns + " FROM batch_jobs WHERE ended_ms = 0" +
                    (run_id > 0 ? " AND run_id = ?1" : "") + (executor.empty() ? "" : " AND executor = ?2") +
                    " ORDER BY run_id, created_ms, task_id";
  int rc = db_.Prepare(sql, &s);
  if (rc != SQLITE_OK) return Error(rc, "read the job journal");
  if (run_id > 0) s.Bind(1, run_id);
  if (!executor.empty()) s.Bind(2, executor);
  rc = s.AppendRows(out, ReadJournalJob);
  if (rc != SQLITE_OK) return Error(rc, "read the Batch job journal");
  return Status::Ok();
}

}  // namespace ferry
