#include "awsbatch/job_lookup.h"

#include <map>
#include <set>
#include <tuple>

#include "awsbatch/job_diagnosis.h"

namespace ferry {

bool IsActiveJobStatus(const std::string& status) {
  return IsWaitingStatus(status) || status == "STARTING" || status == "RUNNING";
}

Status LookUpJobs(aws::BatchClient& batch, JobJournal* journal, const std::vector<JournalJob>& rows,
                  std::vector<JobLook>* out) {
  out->clear();
  // Intents without an id, by (run, queue, job name): one ListJobs each (an
  // array's children share one name).
  std::map<std::tuple<int64_t, std::string, std::string>, std::string> by_name;
  for (const JournalJob& r : rows)
    if (r.job_id.empty()) by_name[{r.run_id, r.queue, r.job_name}];
  for (auto& [key, id] : by_name) {
    const auto& [run_id, queue, name] = key;
    std::vector<nlohmann::json> found;
    FERRY_RETURN_IF_ERROR(batch.ListJobsNamed(queue, name, &found).WithPrefix("looking up AWS Batch job " + name));
    int64_t newest = -1;
    for (const auto& j : found) {
      int64_t created = j.value("createdAt", int64_t{0});
      if (created > newest) {
        newest = created;
        id = j.value("jobId", std::string());
      }
    }
    if (!id.empty() && journal) journal->RecordSubmitted(run_id, name, id);  // next time, by id
  }
  std::vector<std::string> ids;
  for (const JournalJob& r : rows) {
    JobLook look;
    look.job = r;
    std::string parent = r.job_id.empty() ? by_name[{r.run_id, r.queue, r.job_name}] : r.job_id;
    if (r.array_index >= 0 && r.job_id.empty() && !parent.empty()) {
      look.job_id = parent + ":" + std::to_string(r.array_index);
    } else {
      look.job_id = parent;
    }
    if (r.array_index >= 0) parent = parent.substr(0, parent.rfind(':'));
    look.terminate_id = parent;
    if (!look.job_id.empty()) ids.push_back(look.job_id);
    out->push_back(std::move(look));
  }
  std::vector<nlohmann::json> jobs;
  FERRY_RETURN_IF_ERROR(batch.DescribeJobs(ids, &jobs).WithPrefix("looking up AWS Batch jobs"));
  std::map<std::string, const nlohmann::json*> described;
  for (const auto& j : jobs) described[j.value("jobId", std::string())] = &j;
  for (JobLook& look : *out) {
    auto it = described.find(look.job_id);
    if (it == described.end()) continue;
    look.status = it->second->value("status", std::string());
    look.detail = *it->second;
  }
  return Status::Ok();
}

}  // namespace ferry
