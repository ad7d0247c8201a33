// `ferry clean -n|-f RUN...`: removes the work dirs of the runs named, on
// the local disk and on S3, and forgets those runs. Work dirs a kept run
// still uses (a later run may have reused them from cache) stay, so that
// run can still be resumed.
//
// S3 work dirs (tasks that ran on awsbatch) are removed with the same AWS
// settings `ferry run` would use for the run's pipeline: the environment,
// ~/.ferry/config, ferry.config beside the pipeline, and any -c files. If
// AWS cannot be reached, nothing is removed and the runs stay recorded, so
// the user can fix the settings and try again; a run is forgotten only once
// all of its work dirs are gone.
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "aws/s3_client.h"
#include "aws/session.h"
#include "awsbatch/batch_settings.h"
#include "cli/commands.h"
#include "cli/run_setup.h"
#include "cmdline/help_text.h"
#include "engine/work_store.h"
#include "store/history.h"
#include "util/text.h"

namespace ferry {

namespace {

struct CleanArgs {
  bool dry = false, force = false;
  std::vector<std::string> runs, configs, profiles;
};

Status ParseCleanArgs(const std::vector<std::string>& args, CleanArgs* out, bool* help) {
  cmdline::Parsed p;
  FERRY_RETURN_IF_ERROR(cmdline::Parse(CleanTable(), args, &p));
  *help = p.help;
  if (p.help) return Status::Ok();
  out->dry = p.Has("-n");
  out->force = p.Has("-f");
  out->configs = p.All("-c");
  for (const auto& list : p.All("-profile"))
    for (auto& pr : SplitList(list)) out->profiles.push_back(pr);
  out->runs = p.positional;
  if (out->runs.empty() || out->dry == out->force)
    return Status::Invalid(
        "usage: ferry clean [-n | -f] RUN...  (name the runs; -n shows what would be removed, -f removes it)");
  return Status::Ok();
}

// The S3 client for the AWS settings `ferry run` would use for a pipeline.
Status OpenS3ForPipeline(const std::string& pipeline_file, const CleanArgs& ca, std::unique_ptr<aws::S3Client>* out) {
  ConfigLoadOptions copts;
  copts.profiles = ca.profiles;
  std::string dir = std::filesystem::path(pipeline_file).parent_path().string();
  FERRY_RETURN_IF_ERROR(ConfigFiles(dir, ca.configs, &copts.files));
  Config config;
  FERRY_RETURN_IF_ERROR(Config::Load(copts, &config));
  aws::AwsSettings settings;
  FERRY_RETURN_IF_ERROR(AwsSettingsFromConfig(config, &settings));
  aws::SessionOptions so;
  so.fallback_region = "us-east-1";
  aws::AwsSession session;
  FERRY_RETURN_IF_ERROR(aws::OpenSession(settings, nullptr, so, &session));
  aws::Credentials creds;
  FERRY_RETURN_IF_ERROR(session.credentials->Get(&creds));
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

const cmdline::Command& CleanTable() {
  using cmdline::Flag;
  using cmdline::Value;
  static const cmdline::Command kClean = [] {
    cmdline::Command c = cmdline::MakeCommand(
        "clean", {"[-n | -f] [-c FILE] [-profile NAMES] RUN..."}, "remove the work dirs of past runs (local and on S3)",
        {Flag("-n", "show what would be removed"), Flag("-f", "remove it"),
         Value("-c", "FILE", "extra config file for the AWS settings of S3 work dirs")
             .Alias("-config")
             .Kind(cmdline::ValueKind::kFile),
         Value("-profile", "a,b", "config profiles for those settings")});
    c.details = "Work dirs a kept run still uses stay. RUN is a run name, id, or 'last' (ferry log lists them).";
    return c;
  }();
  return kClean;
}

int CleanCommand(const std::vector<std::string>& args) {
  CleanArgs ca;
  bool help = false;
  Status st = ParseCleanArgs(args, &ca, &help);
  if (help) return std::fputs(cmdline::HelpText(CleanTable()).c_str(), stdout), 0;
  if (!st.ok()) return PrintError(st), 2;
  std::unique_ptr<History> h;
  st = OpenLaunchHistory(&h);
  if (!st.ok()) return PrintError(st), st.exit_code();
  std::vector<RunRecord> all;
  if (!(st = h->ListRuns(&all)).ok()) return PrintError(st), 1;
  std::vector<RunRecord> targets;
  for (const auto& n : ca.runs) {
    RunRecord r;
    bool found = false;
    if (!(st = h->FindRun(n, &r, &found)).ok()) return PrintError(st), 1;
    if (!found) {
      std::vector<std::string> known;
      for (const auto& x : all) known.push_back(x.run_name);
      PrintError(Status::Invalid("no run named '" + n + "'" + DidYouMean(n, known) + " (ferry log lists the runs)"));
      return 2;
    }
    targets.push_back(r);
  }
  std::set<std::string> keep;
  std::map<std::string, const RunRecord*> remove;  // work dir -> the target run it belongs to
  for (const auto& r : all) {
    const RunRecord* target = nullptr;
    for (const auto& t : targets)
      if (t.id == r.id) target = &t;
    std::vector<TaskRecord> tasks;
    h->ListTasks(r.id, &tasks);
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
    st = OpenS3ForPipeline(first_s3->pipeline, ca, &s3);
    if (!st.ok()) {
      PrintError(Status::Invalid("run '" + first_s3->run_name +
                                 "' has work dirs on S3; removing them needs AWS access, which failed: " +
                                 st.message() + " (nothing was removed)"));
      return 2;
    }
  }

  int removed = 0, kept = 0, failed = 0;
  std::set<const RunRecord*> incomplete;  // runs with a work dir that could not be removed
  for (const auto& [dir, run] : remove) {
    if (keep.count(dir)) {
      ++kept;
      continue;
    }
    if (IsS3Path(dir)) {
      aws::S3Location loc;
      std::vector<std::string> keys;
      st = ListS3Dir(*s3, dir, &loc, &keys);
      if (st.ok() && keys.empty()) continue;  // already gone
      if (st.ok() && !ca.dry) st = s3->DeleteObjects(loc.bucket, keys);
      if (!st.ok()) {
        std::fprintf(stderr, "ferry: could not remove %s: %s\n", dir.c_str(), st.message().c_str());
        incomplete.insert(run);
        ++failed;
        continue;
      }
      std::printf("%s %s (%zu object%s)\n", ca.dry ? "would remove" : "removed", dir.c_str(), keys.size(),
                  keys.size() == 1 ? "" : "s");
      ++removed;
      continue;
    }
    std::error_code ec;
    if (!std::filesystem::exists(dir, ec)) continue;
    if (!ca.dry) std::filesystem::remove_all(dir, ec);
    if (ec) {
      std::fprintf(stderr, "ferry: could not remove %s: %s\n", dir.c_str(), ec.message().c_str());
      incomplete.insert(run);
      ++failed;
      continue;
    }
    std::printf("%s %s\n", ca.dry ? "would remove" : "removed", dir.c_str());
    ++removed;
  }
  if (!ca.dry)
    for (const auto& t : targets)
      if (!incomplete.count(&t)) h->DeleteRun(t.id);
  std::printf("%s %d work dir(s)%s\n", ca.dry ? "would remove" : "removed", removed,
              kept ? (", kept " + std::to_string(kept) + " still used by other runs").c_str() : "");
  if (failed) {
    std::fprintf(stderr,
                 "ferry: %d work dir(s) could not be removed; their runs stay recorded, run ferry clean again "
                 "once the cause is fixed\n",
                 failed);
    return 1;
  }
  return 0;
}

}  // namespace ferry
