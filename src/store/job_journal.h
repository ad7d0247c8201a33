// JobJournal: what ferry asked AWS Batch or Slurm to run, kept durably beside
// the run history (table batch_jobs of <launch_dir>/.ferry/history.db) so
// that a ferry that died (SIGKILL, a lost machine) leaves enough behind to
// find its jobs again. The awsbatch and slurm executors write each job's
// intent (task hash, attempt, job name) and commit it before SubmitJob or
// sbatch is sent, the job id once it returns, and the end once the job is
// seen ended; -resume adopts the jobs with no recorded end and `ferry kill`
// ends them. Each row names its executor.
//
// Every write is its own transaction, committed before the call returns (no
// buffering: a lost intent is a job nobody can find). Ends are recorded by
// the executor only once the run's history is written (a job that succeeded
// but whose COMPLETED record a kill lost is found SUCCEEDED again by the next
// -resume, and reused). A JobJournal has its
// own SQLite connection and a mutex, so the executor's threads may use it
// while the engine writes task records through History.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/sqlite.h"
#include "util/status.h"

namespace ferry {

// What names one row: a task attempt of a run.
struct JobKey {
  int64_t run_id = 0;
  std::string hash;
  int attempt = 1;
};

// One task attempt sent (or about to be sent) to Batch or Slurm.
struct JournalJob {
  std::string executor = "awsbatch";  // "awsbatch" or "slurm"
  int64_t run_id = 0;
  std::string hash;  // the task's identity hash
  int attempt = 1;
  uint64_t task_id = 0;       // the engine's task id in that run
  std::string name, process;  // the task's display name and process
  std::string work_dir;       // s3:// URL (Batch), a path on the shared file system (Slurm)
  std::string queue;          // where the job was sent (ListJobs needs it; a Slurm partition)
  std::string job_name;       // the job name (an array's children share the parent's)
  int array_index = -1;       // index in its array job, -1 for a plain job
  // "" until the submission returned; array children: parent:index on
  // Batch, parent_index on Slurm (each service's own spelling).
  std::string job_id;
  int64_t created_ms = 0, ended_ms = 0;  // ended_ms 0: no recorded end
};

class JobJournal {
 public:
  // Opens (creating as needed) ferry_dir/history.db and its batch_jobs table.
  static Status Open(const std::string& ferry_dir, std::unique_ptr<JobJournal>* out, int busy_timeout_ms = 10000);
  JobJournal(const JobJournal&) = delete;
  JobJournal& operator=(const JobJournal&) = delete;

  // Before SubmitJob: the jobs' intents, in one transaction. A row with the
  // same (run_id, hash, attempt) as an earlier one replaces it (a submission
  // tried again).
  Status RecordIntents(const std::vector<JournalJob>& jobs);
  // After SubmitJob (sbatch) returned `job_id` for the job named `job_name`
  // of run `run_id`: rows of that name still without an id get it (array
  // children get job_id:index, on Slurm job_id_index).
  Status RecordSubmitted(int64_t run_id, const std::string& job_name, const std::string& job_id);
  // These jobs are over (or were never sent), in one transaction.
  Status RecordEnded(const std::vector<JobKey>& keys);
  // Rows with no recorded end: of one run (run_id > 0) or of every run, of
  // one executor ("awsbatch", "slurm") or of all ("").
  Status OpenJobs(int64_t run_id, std::vector<JournalJob>* out, const std::string& executor = "");

  const std::string& path() const { return path_; }

 private:
  explicit JobJournal(std::string path) : path_(std::move(path)) {}
  Status Error(int rc, const std::string& what) const;
  Status Exec(SqliteStmt* stmt, const std::string& what);

  std::string path_;
  std::mutex mu_;
  SqliteDb db_;
};

}  // namespace ferry
