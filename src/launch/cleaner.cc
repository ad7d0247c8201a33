#include "launch/cleaner.h"

#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include "aws/s3_client.h"
#include "aws/session.h"
#include "engine/work_store.h"
#include "launch/pipeline_config.h"
#include "launch/run_killer.h"
#include "store/run_lock.h"
#include "util/clock_text.h"
#include "util/text.h"

namespace ferry {

namespace {

// The S3 client for the AWS settings `ferry run` would use for a pipeline.
Status OpenS3ForPipeline(const std::string& pipeline_file, const CleanOptions& o, std::unique_ptr<aws::S3Client>* out) {
  aws::AwsSession session;
  FERRY_RETURN_IF_ERROR(OpenAwsForPipeline(pipeline_file, o.configs, o.profiles, "us-east-1", &session));
  return aws::S3Client::Create(session.client, out);
}

// The keys under an S3 work dir ("s3://b/p/hash" -> every key under "p/hash/").
Status ListS3Dir(aws::S3Client& s3, const std::string& url, aws::S3Location* loc, std::vector<std::string>* keys) {
  FERRY_RETURN_IF_ERROR(aws::ParseS3Uri(url, loc));
  std::string prefix = loc->key;
  if (prefix.empty()) return Status::Invalid("refusing to remove a whole bucket: " + url);
  if (prefix.back() != '/') prefix += '/';
  return s3.ListAll(loc->bucket, prefix, [&](const aws::S3Object& o) {
    keys->push_back(o.key);
    return Status::Ok();
  });
}

}  // namespace

Status Cleaner::CleanRuns(const std::vector<std::string>& run_names) {
  const bool dry = options_.dry_run;
  // A run going on in this directory may be using the work dirs (a cached
  // task publishes from them), and no run may start while they go: clean
  // holds the run lock. A dry run removes nothing and needs no lock.
  std::unique_ptr<RunLock> lock;
  if (!dry) {
    // The history is <launch_dir>/.ferry/history.db.
    std::error_code ec;
    const std::string launch_dir = std::filesystem::absolute(history_->path(), ec).parent_path().parent_path().string();
    if (ec) return Status::Failed("cannot find the directory of " + history_->path() + ": " + ec.message());
    FERRY_RETURN_IF_ERROR(RunLock::Acquire(RunLockPath(launch_dir), launch_dir,
                                           LockHolder{"clean", "", static_cast<int64_t>(::getpid()), NowMs()}, &lock));
  }
  std::vector<RunRecord> all;
  FERRY_RETURN_IF_ERROR(history_->ListRuns(&all));
  std::vector<RunRecord> targets;
  for (const auto& n : run_names) {
    RunRecord r;
    FERRY_RETURN_IF_ERROR(FindNamedRun(*history_, n, &r));
    targets.push_back(r);
  }
  // A run whose ferry died may have left jobs in Batch or Slurm that still
  // write into its work dirs: they are ended first.
  if (!dry) {
    KillOptions ko;
    ko.configs = options_.configs;
    ko.profiles = options_.profiles;
    ko.out = options_.out;
    ko.say_none = false;
    for (const auto& t : targets) FERRY_RETURN_IF_ERROR(KillRunJobs(*history_, t, ko));
  }
  std::set<std::string> keep;
  std::map<std::string, const RunRecord*> remove;  // work dir -> the target run it belongs to
  for (const auto& r : all) {
    const RunRecord* target = nullptr;
    for (const auto& t : targets)
      if (t.id == r.id) target = &t;
    std::vector<TaskRecord> tasks;
    history_->ListTasks(r.id, &tasks);
    for (const auto& t : tasks) {
      if (t.work_dir.empty()) continue;
      if (target) remove.emplace(t.work_dir, target);
      else keep.insert(t.work_dir);
    }
  }

  // S3 needs AWS: set it up before touching anything, so a settings problem
  // leaves everything as it was.
  std::unique_ptr<aws::S3Client> s3;
  const RunRecord* first_s3 = nullptr;
  for (const auto& [dir, run] : remove)
    if (IsS3Path(dir) && !keep.count(dir) && !first_s3) first_s3 = run;
  if (first_s3) {
    Status st = OpenS3ForPipeline(first_s3->pipeline, options_, &s3);
    if (!st.ok())
      return Status::Invalid("run '" + first_s3->run_name +
                             "' has work dirs on S3; removing them needs AWS access, which failed: " + st.message() +
                             " (nothing was removed)");
  }

  int removed = 0, kept = 0, failed = 0;
  std::set<const RunRecord*> incomplete;  // runs with a work dir that could not be removed
  auto problem = [&](const std::string& dir, const std::string& why, const RunRecord* run) {
    if (dry) {
      // Nothing is removed in a dry run, so nothing failed: say what could
      // not be looked at, and go on.
      std::fprintf(options_.err, "warning: could not list %s: %s\n", dir.c_str(), why.c_str());
      return;
    }
    std::fprintf(options_.err, "ferry: could not remove %s: %s\n", dir.c_str(), why.c_str());
    incomplete.insert(run);
    ++failed;
  };
  for (const auto& [dir, run] : remove) {
    if (keep.count(dir)) {
      ++kept;
      continue;
    }
    if (IsS3Path(dir)) {
      aws::S3Location loc;
      std::vector<std::string> keys;
      Status st = ListS3Dir(*s3, dir, &loc, &keys);
      if (st.ok() && keys.empty()) continue;  // already gone
      if (st.ok() && !dry) st = s3->DeleteObjects(loc.bucket, keys);
      if (!st.ok()) {
        problem(dir, st.message(), run);
        continue;
      }
      std::fprintf(options_.out, "%s %s (%zu object%s)\n", dry ? "would remove" : "removed", dir.c_str(), keys.size(),
                   keys.size() == 1 ? "" : "s");
      ++removed;
      continue;
    }
    std::error_code ec;
    if (!std::filesystem::exists(dir, ec)) continue;
    if (!dry) std::filesystem::remove_all(dir, ec);
    if (ec) {
      problem(dir, ec.message(), run);
      continue;
    }
    std::fprintf(options_.out, "%s %s\n", dry ? "would remove" : "removed", dir.c_str());
    ++removed;
  }
  if (!dry)
    for (const auto& t : targets)
      if (!incomplete.count(&t)) history_->DeleteRun(t.id);
  std::fprintf(options_.out, "%s %d work dir(s)%s\n", dry ? "would remove" : "removed", removed,
               kept ? (", kept " + std::to_string(kept) + " still used by other runs").c_str() : "");
  if (failed)
    return Status::Failed(std::to_string(failed) +
                          " work dir(s) could not be removed; their runs stay recorded, run ferry clean again "
                          "once the cause is fixed");
  return Status::Ok();
}

}  // namespace ferry
