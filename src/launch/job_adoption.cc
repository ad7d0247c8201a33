#include "launch/job_adoption.h"

#include <functional>
#include <map>
#include <set>

#include "aws/s3_types.h"
#include "awsbatch/job_lookup.h"
#include "slurm/journaled_jobs.h"

namespace ferry {

namespace {

// The task wrote .exitcode 0 and uploaded its outputs before it (the
// wrapper uploads the code last).
bool ExitedZero(aws::S3Client& s3, const std::string& work_dir) {
  aws::S3Location loc;
  std::string code;
  if (!aws::ParseS3Uri(work_dir + "/.exitcode", &loc).ok() || !s3.GetSmall(loc.bucket, loc.key, &code).ok())
    return false;
  while (!code.empty() && (code.back() == '\n' || code.back() == ' ')) code.pop_back();
  return code == "0";
}

int64_t JsonMs(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

// The job of journal row j succeeded while no ferry watched it: its task is
// recorded COMPLETED in its own run (over the record the killed run left),
// so the engine's cache look-up finds it. Times of 0 keep what was recorded.
class ReuseRecorder {
 public:
  explicit ReuseRecorder(History& history) : history_(history) {}
  Status Record(const JournalJob& j, const std::string& native_id, int64_t submit_ms, int64_t start_ms,
                int64_t end_ms) {
    auto it = recorded_.find(j.run_id);
    if (it == recorded_.end()) {
      it = recorded_.emplace(j.run_id, std::vector<TaskRecord>{}).first;
      FERRY_RETURN_IF_ERROR(history_.ListTasks(j.run_id, &it->second));
    }
    TaskRecord t;
    for (const TaskRecord& r : it->second)
      if (r.task_id == j.task_id && r.attempt == j.attempt) t = r;
    t.run_id = j.run_id;
    t.task_id = j.task_id;
    t.attempt = j.attempt;
    t.hash = j.hash;
    t.name = j.name;
    t.process = j.process;
    t.executor = j.executor;
    t.native_id = native_id;
    t.work_dir = j.work_dir;
    t.status = TaskStateName(TaskState::kCompleted);
    t.exit_code = 0;
    if (!t.submit_ms) t.submit_ms = submit_ms;
    if (start_ms) t.start_ms = start_ms;
    if (end_ms) t.end_ms = end_ms;
    if (!t.start_ms) t.start_ms = t.submit_ms;
    if (!t.end_ms) t.end_ms = t.start_ms;
    return history_.RecordTask(t);
  }

 private:
  History& history_;
  std::map<int64_t, std::vector<TaskRecord>> recorded_;  // by run, read once
};

}  // namespace

std::string AdoptionNotice(const std::string& service, const AdoptionCounts& counts) {
  if (counts.reused + counts.watched + counts.again == 0) return "";
  return "-resume: " + service + " jobs earlier runs left: " + std::to_string(counts.reused) + " finished (reused), " +
         std::to_string(counts.watched) + " still queued or running (watched, not submitted again), " +
         std::to_string(counts.again) + " failed or gone (run again)";
}

namespace {

// What one look at a journalled job says, whichever service was asked.
struct Outcome {
  enum Kind { kActive, kSucceeded, kEnded } kind = kEnded;
  std::string native_id;
  int64_t submit_ms = 0, start_ms = 0, end_ms = 0;  // 0: as recorded
};

// The one rule for both services: watch the first open job of each task,
// record a succeeded one COMPLETED, run a failed or lost one again, and
// close the journal rows of every job that ended. outcome(i) says what look
// i found; watch(i) hands look i to its executor.
Status Decide(const std::vector<const JournalJob*>& jobs, const std::function<Outcome(size_t)>& outcome,
              const std::function<void(size_t)>& watch, JobJournal& journal, History& history, AdoptionCounts* counts) {
  ReuseRecorder reuse(history);
  std::set<std::string> watched;
  std::vector<JobKey> ended;
  for (size_t i = 0; i < jobs.size(); ++i) {
    const JournalJob& j = *jobs[i];
    Outcome o = outcome(i);
    if (o.kind == Outcome::kActive) {
      // Two open jobs for one task cannot both be watched: the first is,
      // the other stays open for `ferry kill`.
      if (!watched.insert(j.hash).second) continue;
      watch(i);
      counts->watched++;
      continue;
    }
    if (o.kind == Outcome::kSucceeded) {
      FERRY_RETURN_IF_ERROR(reuse.Record(j, o.native_id, o.submit_ms, o.start_ms, o.end_ms));
      counts->reused++;
    } else {
      counts->again++;
    }
    ended.push_back(JobKey{j.run_id, j.hash, j.attempt});
  }
  // The COMPLETED records first: a job is closed only once its result is kept.
  FERRY_RETURN_IF_ERROR(history.Flush());
  return journal.RecordEnded(ended);
}

}  // namespace

Status AdoptEarlierJobs(aws::BatchClient& batch, aws::S3Client& s3, JobJournal& journal, History& history,
                        std::vector<AdoptedJob>* watch, AdoptionCounts* counts) {
  std::vector<JournalJob> rows;
  FERRY_RETURN_IF_ERROR(journal.OpenJobs(0, &rows, "awsbatch"));
  if (rows.empty()) return Status::Ok();
  std::vector<JobLook> looks;
  FERRY_RETURN_IF_ERROR(LookUpJobs(batch, &journal, rows, &looks));
  std::vector<const JournalJob*> jobs;
  for (const JobLook& look : looks) jobs.push_back(&look.job);
  auto outcome = [&](size_t i) {
    const JobLook& look = looks[i];
    Outcome o;
    o.native_id = look.job_id;
    if (IsActiveJobStatus(look.status)) {
      o.kind = Outcome::kActive;
    } else if (look.status == "SUCCEEDED" && ExitedZero(s3, look.job.work_dir)) {
      o.kind = Outcome::kSucceeded;
      o.submit_ms = JsonMs(look.detail, "createdAt");
      o.start_ms = JsonMs(look.detail, "startedAt");
      o.end_ms = JsonMs(look.detail, "stoppedAt");
    }
    return o;
  };
  auto adopt = [&](size_t i) {
    const JobLook& look = looks[i];
    watch->push_back(AdoptedJob{look.job, look.job_id, look.terminate_id, look.status});
  };
  return Decide(jobs, outcome, adopt, journal, history, counts);
}

Status AdoptEarlierSlurmJobs(slurm::CommandRunner& runner, JobJournal& journal, History& history,
                             std::vector<slurm::AdoptedSlurmJob>* watch, AdoptionCounts* counts) {
  std::vector<JournalJob> rows;
  FERRY_RETURN_IF_ERROR(journal.OpenJobs(0, &rows, "slurm"));
  if (rows.empty()) return Status::Ok();
  std::vector<slurm::SlurmJobLook> looks;
  FERRY_RETURN_IF_ERROR(slurm::LookUpSlurmJobs(runner, &journal, rows, &looks));
  std::vector<const JournalJob*> jobs;
  for (const slurm::SlurmJobLook& look : looks) jobs.push_back(&look.job);
  auto outcome = [&](size_t i) {
    const slurm::SlurmJobLook& look = looks[i];
    Outcome o;
    o.native_id = look.job_id;
    if (look.active) {
      o.kind = Outcome::kActive;
    } else if (look.ended_with_zero) {
      // squeue forgets ended jobs' times; submission is what the journal has.
      o.kind = Outcome::kSucceeded;
      o.submit_ms = look.job.created_ms;
    }
    return o;
  };
  auto adopt = [&](size_t i) { watch->push_back(slurm::AdoptedSlurmJob{looks[i].job, looks[i].job_id}); };
  return Decide(jobs, outcome, adopt, journal, history, counts);
}

}  // namespace ferry
