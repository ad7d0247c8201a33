#include "launch/run_killer.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include "aws/batch_client.h"
#include "aws/rate_limiter.h"
#include "awsbatch/job_diagnosis.h"
#include "awsbatch/job_lookup.h"
#include "launch/pipeline_config.h"
#include "slurm/command_runner.h"
#include "slurm/journaled_jobs.h"
#include "store/job_journal.h"
#include "util/clock_text.h"
#include "util/text.h"
#include "util/units.h"

namespace ferry {

Status FindNamedRun(History& history, const std::string& name, RunRecord* out) {
  bool found = false;
  FERRY_RETURN_IF_ERROR(history.FindRun(name, out, &found));
  if (found) return Status::Ok();
  std::vector<RunRecord> all;
  FERRY_RETURN_IF_ERROR(history.ListRuns(&all));
  std::vector<std::string> known;
  for (const auto& x : all) known.push_back(x.run_name);
  std::string hint = DidYouMean(name, known);
  if (hint.empty() && known.empty()) hint = " (no run is recorded here)";
  // The latest few names, newest first: the run to kill is usually one of them.
  if (hint.empty()) {
    std::vector<std::string> latest(known.rbegin(), known.rbegin() + std::min<size_t>(known.size(), 5));
    hint = " (latest runs: " + Join(latest, ", ") + (known.size() > 5 ? ", ..." : "") + ")";
  }
  return Status::Invalid("no run named '" + name + "'" + hint + "; ferry log lists the runs");
}

namespace {

// scancel for the run's Slurm jobs still queued or running (an array as
// one id), then squeue until none is.
Status KillSlurmJobs(JobJournal& journal, const RunRecord& run, const std::vector<JournalJob>& rows,
                     const KillOptions& o) {
  slurm::ProcessCommandRunner runner;
  std::vector<slurm::SlurmJobLook> looks;
  FERRY_RETURN_IF_ERROR(
      slurm::LookUpSlurmJobs(runner, &journal, rows, &looks).WithPrefix("run '" + run.run_name + "' has Slurm jobs"));
  std::map<std::string, std::vector<const slurm::SlurmJobLook*>> active;  // by the id scancel takes
  std::vector<JobKey> ended;
  for (const auto& l : looks) {
    if (l.active) active[l.job_id.substr(0, l.job_id.find('_'))].push_back(&l);
    else ended.push_back(JobKey{l.job.run_id, l.job.hash, l.job.attempt});
  }
  const size_t already = ended.size();
  FERRY_RETURN_IF_ERROR(journal.RecordEnded(ended));
  ended.clear();
  if (!active.empty()) {
    std::vector<std::string> argv = {"scancel"}, ids;
    for (const auto& [id, ls] : active) {
      argv.push_back(id);
      ids.push_back(id);
      std::string what = ls.size() == 1 && ls[0]->job.array_index < 0
                             ? "task " + ls[0]->job.name + ", " + ls[0]->state
                             : std::to_string(ls.size()) + " tasks of job array";
      std::fprintf(o.out, "cancelling Slurm job %s (%s)\n", id.c_str(), what.c_str());
    }
    std::fflush(o.out);
    slurm::CommandOutput out;
    FERRY_RETURN_IF_ERROR(runner.Run(argv, "", &out).WithPrefix("scancel"));
    if (out.exit_code != 0)
      return Status::Failed("scancel failed (exit " + std::to_string(out.exit_code) +
                            "): " + std::string(Trim(out.err)));
    // "Killed" means nothing of the run is left queued or running.
    std::vector<std::string> left;
    FERRY_RETURN_IF_ERROR(slurm::WaitJobsGone(runner, ids, o.wait_ms, o.poll_ms, &left));
    for (const auto& [id, ls] : active)
      if (std::find(left.begin(), left.end(), id) == left.end())
        for (const auto* l : ls) ended.push_back(JobKey{l->job.run_id, l->job.hash, l->job.attempt});
    FERRY_RETURN_IF_ERROR(journal.RecordEnded(ended));
    if (!left.empty())
      return Status::Failed(std::to_string(left.size()) + " Slurm job(s) of run " + run.run_name +
                            " were still queued or running " + FormatDuration(o.wait_ms) + " after scancel (" +
                            Join(left, ", ") + "); run ferry kill again");
  }
  std::fprintf(o.out, "run %s: %zu Slurm job(s) cancelled and ended, %zu had already ended\n", run.run_name.c_str(),
               active.size(), already);
  return Status::Ok();
}

}  // namespace

Status KillRunJobs(History& history, const RunRecord& run, const KillOptions& o) {
  std::unique_ptr<JobJournal> journal;
  FERRY_RETURN_IF_ERROR(JobJournal::Open(std::filesystem::path(history.path()).parent_path().string(), &journal));
  std::vector<JournalJob> rows, slurm_rows;
  FERRY_RETURN_IF_ERROR(journal->OpenJobs(run.id, &rows, "awsbatch"));
  FERRY_RETURN_IF_ERROR(journal->OpenJobs(run.id, &slurm_rows, "slurm"));
  if (rows.empty() && slurm_rows.empty()) {
    if (o.say_none) std::fprintf(o.out, "run %s has no AWS Batch job left active\n", run.run_name.c_str());
    return Status::Ok();
  }
  if (!slurm_rows.empty()) FERRY_RETURN_IF_ERROR(KillSlurmJobs(*journal, run, slurm_rows, o));
  if (rows.empty()) return Status::Ok();
  aws::AwsSession session;
  Status st = OpenAwsForPipeline(run.pipeline, o.configs, o.profiles, "", &session);
  if (!st.ok())
    return Status::Invalid("run '" + run.run_name +
                           "' has AWS Batch jobs; ending them needs AWS access, which failed: " + st.message());
  aws::BatchClient batch(session.client, std::make_shared<aws::RateLimiter>(20));
  std::vector<JobLook> looks;
  FERRY_RETURN_IF_ERROR(LookUpJobs(batch, journal.get(), rows, &looks));

  // Active jobs by the id TerminateJob takes (an array's children go with
  // their parent); the rest are closed in the journal now.
  std::map<std::string, std::vector<const JobLook*>> active;
  std::vector<JobKey> ended;
  for (const JobLook& l : looks) {
    if (IsActiveJobStatus(l.status)) {
      active[l.terminate_id].push_back(&l);
      continue;
    }
    ended.push_back(JobKey{l.job.run_id, l.job.hash, l.job.attempt});
  }
  const size_t already = ended.size();
  FERRY_RETURN_IF_ERROR(journal->RecordEnded(ended));
  ended.clear();
  for (const auto& [id, ls] : active) {
    Status t = batch.TerminateJob(id, "ferry kill " + run.run_name);
    if (!t.ok()) return t.WithPrefix("terminating AWS Batch job " + id);
    std::string what = ls.size() == 1 ? "task " + ls[0]->job.name + ", " + ls[0]->status
                                      : std::to_string(ls.size()) + " tasks of array job";
    std::fprintf(o.out, "terminating AWS Batch job %s (%s)\n", id.c_str(), what.c_str());
  }
  std::fflush(o.out);

  // Batch takes a moment to move terminated jobs to FAILED: wait for it, so
  // "killed" means nothing of the run is left running.
  int64_t deadline = NowMs() + o.wait_ms;
  std::set<std::string> open;
  for (const auto& [id, ls] : active) open.insert(id);
  while (!open.empty()) {
    std::vector<nlohmann::json> jobs;
    FERRY_RETURN_IF_ERROR(batch.DescribeJobs(std::vector<std::string>(open.begin(), open.end()), &jobs)
                              .WithPrefix("waiting for the terminated jobs to end"));
    std::set<std::string> still;
    for (const auto& j : jobs)
      if (!IsTerminalStatus(j.value("status", std::string()))) still.insert(j.value("jobId", std::string()));
    for (const auto& id : open) {
      if (still.count(id)) continue;
      for (const JobLook* l : active[id]) ended.push_back(JobKey{l->job.run_id, l->job.hash, l->job.attempt});
    }
    FERRY_RETURN_IF_ERROR(journal->RecordEnded(ended));
    ended.clear();
    open = still;
    if (open.empty() || NowMs() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(o.poll_ms));
  }
  if (!open.empty())
    return Status::Failed(std::to_string(open.size()) + " AWS Batch job(s) of run " + run.run_name +
                          " had not ended after " + FormatDuration(o.wait_ms) + " (" +
                          Join(std::vector<std::string>(open.begin(), open.end()), ", ") + "); run ferry kill again");
  std::fprintf(o.out, "run %s: %zu AWS Batch job(s) terminated and ended, %zu had already ended\n",
               run.run_name.c_str(), active.size(), already);
  return Status::Ok();
}

}  // namespace ferry
