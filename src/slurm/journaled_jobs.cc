#include "slurm/journaled_jobs.h"

#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "slurm/job_files.h"
#include "slurm/slurm_state.h"
#include "util/text.h"

namespace ferry::slurm {

namespace {

// squeue with the job name in the place of the reason (ParseSqueue reads
// three fields; ferry's job names have no '|').
constexpr const char* kSqueueNameFormat = "%i|%T|%j";

Status ListJobs(CommandRunner& runner, std::map<std::string, JobState>* out) {
  CommandOutput o;
  Status st = runner.Run({"squeue", "--me", "-h", "-r", "-t", "all", "-o", kSqueueNameFormat}, "", &o);
  if (st.kind() == Status::Kind::kNotFound)
    return Status::Invalid("squeue is not on PATH: run ferry where Slurm's client commands are (a login node)");
  FERRY_RETURN_IF_ERROR(st);
  if (o.exit_code != 0)
    return Status::Failed("squeue failed (exit " + std::to_string(o.exit_code) + "): " + std::string(Trim(o.err)) +
                          " (is slurmctld running and SLURM_CONF pointing at its slurm.conf?)");
  *out = ParseSqueue(o.out);
  return Status::Ok();
}

// Whether job id a was given out after b (ids are numbers, maybe long).
bool Later(const std::string& a, const std::string& b) { return a.size() != b.size() ? a.size() > b.size() : a > b; }

int64_t SteadyMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace

Status LookUpSlurmJobs(CommandRunner& runner, JobJournal* journal, const std::vector<JournalJob>& rows,
                       std::vector<SlurmJobLook>* out) {
  out->clear();
  if (rows.empty()) return Status::Ok();
  std::map<std::string, JobState> listed;
  FERRY_RETURN_IF_ERROR(ListJobs(runner, &listed));
  // Job names, newest (highest id) last, for rows with no id.
  std::map<std::string, std::string> by_name;
  for (const auto& [id, s] : listed) {
    std::string parent = id.substr(0, id.find('_'));
    std::string& known = by_name[s.reason];
    if (known.empty() || Later(parent, known)) known = parent;
  }
  for (const JournalJob& row : rows) {
    SlurmJobLook look;
    look.job = row;
    look.job_id = row.job_id;
    JobMarker marker;
    bool marked = ReadJobMarker(row.work_dir, &marker);
    if (look.job_id.empty()) {
      if (marked && marker.job_name == row.job_name) {
        look.job_id = marker.job_id;
      } else if (auto it = by_name.find(row.job_name); it != by_name.end()) {
        look.job_id = row.array_index < 0 ? it->second : it->second + "_" + std::to_string(row.array_index);
      }
      if (!look.job_id.empty() && journal) {
        std::string parent = look.job_id.substr(0, look.job_id.find('_'));
        journal->RecordSubmitted(row.run_id, row.job_name, parent);  // next time, by id
      }
    }
    if (!look.job_id.empty()) {
      auto it = listed.find(look.job_id);
      if (it != listed.end()) {
        look.state = it->second.state;
        look.active = !IsFinalState(look.state);
      }
    }
    // The files are this job's only when the marker says the job ran (the
    // executor removes them all before each sbatch).
    look.ended_with_zero = marked && marker.job_id == look.job_id && EndedWithZero(row.work_dir);
    out->push_back(std::move(look));
  }
  return Status::Ok();
}

Status WaitJobsGone(CommandRunner& runner, const std::vector<std::string>& job_ids, int64_t wait_ms, int64_t poll_ms,
                    std::vector<std::string>* left) {
  int64_t deadline = SteadyMs() + wait_ms;
  for (;;) {
    std::map<std::string, JobState> listed;
    FERRY_RETURN_IF_ERROR(ListJobs(runner, &listed));
    left->clear();
    for (const std::string& id : job_ids) {
      bool active = false;
      // A parent id stands for every element of its array.
      for (auto it = listed.lower_bound(id); it != listed.end() && it->first.compare(0, id.size(), id) == 0; ++it)
        if ((it->first.size() == id.size() || it->first[id.size()] == '_') && !IsFinalState(it->second.state))
          active = true;
      if (active) left->push_back(id);
    }
    if (left->empty() || SteadyMs() >= deadline) return Status::Ok();
    std::this_thread::sleep_for(std::chrono::milliseconds(poll_ms));
  }
}

}  // namespace ferry::slurm
