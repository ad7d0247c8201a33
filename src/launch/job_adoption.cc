#include "launch/job_adoption.h"

#include <map>
#include <set>

#include "aws/s3_types.h"
#include "awsbatch/job_lookup.h"

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

}  // namespace

Status AdoptEarlierJobs(aws::BatchClient& batch, aws::S3Client& s3, JobJournal& journal, History& history,
                        std::vector<AdoptedJob>* watch, AdoptionCounts* counts) {
  std::vector<JournalJob> rows;
  FERRY_RETURN_IF_ERROR(journal.OpenJobs(0, &rows));
  if (rows.empty()) return Status::Ok();
  std::vector<JobLook> looks;
  FERRY_RETURN_IF_ERROR(LookUpJobs(batch, &journal, rows, &looks));
  std::map<int64_t, std::vector<TaskRecord>> recorded;  // by run, read once
  std::set<std::string> watched;
  std::vector<JobKey> ended;
  for (const JobLook& look : looks) {
    const JournalJob& j = look.job;
    if (IsActiveJobStatus(look.status)) {
      // Two open jobs for one task cannot both be watched: the first is,
      // the other stays open for `ferry kill`.
      if (!watched.insert(j.hash).second) continue;
      watch->push_back(AdoptedJob{j, look.job_id, look.terminate_id, look.status});
      counts->watched++;
      continue;
    }
    if (look.status == "SUCCEEDED" && ExitedZero(s3, j.work_dir)) {
      auto it = recorded.find(j.run_id);
      if (it == recorded.end()) {
        it = recorded.emplace(j.run_id, std::vector<TaskRecord>{}).first;
        FERRY_RETURN_IF_ERROR(history.ListTasks(j.run_id, &it->second));
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
      t.executor = "awsbatch";
      t.native_id = look.job_id;
      t.work_dir = j.work_dir;
      t.status = TaskStateName(TaskState::kCompleted);
      t.exit_code = 0;
      if (!t.submit_ms) t.submit_ms = JsonMs(look.detail, "createdAt");
      t.start_ms = JsonMs(look.detail, "startedAt");
      t.end_ms = JsonMs(look.detail, "stoppedAt");
      FERRY_RETURN_IF_ERROR(history.RecordTask(t));
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

}  // namespace ferry
