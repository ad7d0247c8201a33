#include "remote_build/build_driver.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>

#include "aws/rate_limiter.h"
#include "aws/s3_progress.h"
#include "config/config.h"
#include "remote_build/build_list.h"
#include "remote_build/build_lock.h"
#include "remote_build/build_signals.h"
#include "remote_build/build_watch.h"
#include "remote_build/build_workflow.h"
#include "remote_build/local_build.h"
#include "remote_build/three_way.h"
#include "util/clock_text.h"
#include "util/path.h"
#include "util/text.h"
#include "util/units.h"

namespace ferry::remote_build {

using nlohmann::json;

namespace {

int EnvInt(const aws::Env& env, const char* name, int fallback) {
  auto v = env.Get(name);
  if (!v) return fallback;
  int n = std::atoi(v->c_str());
  return n > 0 ? n : fallback;
}

}  // namespace

int RunBuild(const BuildRequest& a) {
  auto env = std::make_shared<aws::ProcessEnv>();
  TerminalOutput out(a.json);
  if (a.list) {
    if (a.aws_batch) {
      Status s = BuildDriver(a, env, &out).RefreshHistory();
      if (!s.ok())
        std::fprintf(out.errors(), "warning: could not ask AWS Batch for current statuses: %s\n", s.message().c_str());
    }
    return ListBuilds(a.json, *env, &out);
  }
  if (a.local && a.aws_batch)
    return Fail(&out, Status::Invalid("--local and --aws-batch exclude each other: pick one"));
  if (!a.aws_batch) {
    const char* batch_only = !a.attach.empty() ? "--attach" : a.detach ? "--detach" : a.cancel ? "--cancel" : nullptr;
    if (batch_only)
      return Fail(&out, Status::Invalid(std::string(batch_only) +
                                        " only applies to AWS Batch builds: did you forget --aws-batch?"));
    return RunLocalBuild(a, &out);
  }
  return BuildDriver(a, env, &out).Run();
}

int BuildDriver::Run() {
  Status s = Main();
  if (!s.ok()) return Fail(out_, s);
  return exit_code_;
}

Status BuildDriver::UnfinishedJobs(const std::string& directory, std::vector<std::string>* job_ids) {
  OpenHistory();
  if (!history_) return Status::Ok();
  std::vector<BuildRecord> records;
  FERRY_RETURN_IF_ERROR(history_->List(&records));
  for (const auto& r : records)
    if ((directory.empty() || r.directory == directory) && !IsTerminal(r.status)) job_ids->push_back(r.job_id);
  return Status::Ok();
}

Status BuildDriver::RefreshHistory() {
  std::vector<std::string> open;
  FERRY_RETURN_IF_ERROR(UnfinishedJobs("", &open));
  if (open.empty()) return Status::Ok();
  FERRY_RETURN_IF_ERROR(LoadSettings());
  FERRY_RETURN_IF_ERROR(OpenAws());
  std::vector<JobState> states;
  return RefreshJobs(open, &states);
}

Status BuildDriver::RefreshJobs(const std::vector<std::string>& job_ids, std::vector<JobState>* states) {
  std::vector<json> jobs;
  FERRY_RETURN_IF_ERROR(batch_->DescribeJobs(job_ids, &jobs));
  for (const auto& j : jobs) {
    JobState state = ParseJobState(j);
    bool found = false;
    record_ = BuildRecord{};
    FERRY_RETURN_IF_ERROR(history_->Find(state.job_id, &record_, &found));
    RecordStatus(state);
    states->push_back(std::move(state));
  }
  record_ = BuildRecord{};
  return Status::Ok();
}

Status BuildDriver::CheckNoDetachedBuild() {
  std::vector<std::string> open;
  FERRY_RETURN_IF_ERROR(UnfinishedJobs(abs_dir_, &open));
  if (open.empty()) return Status::Ok();
  std::vector<JobState> states;
  FERRY_RETURN_IF_ERROR(
      RefreshJobs(open, &states).WithPrefix("asking AWS Batch about the earlier builds of " + abs_dir_));
  for (const auto& j : states) {
    if (IsTerminal(j.status)) continue;
    const std::string attach = "ferry build --aws-batch --attach " + j.job_id;
    return Status::Invalid("an earlier build of " + abs_dir_ + " is still " + j.status + " (job " + j.job_id +
                           "): its job builds from the mirror this build would replace; follow it and get its "
                           "results with `" +
                           attach + " " + ShellQuote(abs_dir_) + "`, or stop it with `" + attach + " --cancel`");
  }
  return Status::Ok();
}

Status BuildDriver::Main() {
  if (!a_.attach.empty()) return Attach();
  if (a_.cancel) return Status::Invalid("--cancel needs --attach JOB_ID (the job to cancel)");
  if (a_.dir.empty()) return Status::Invalid("no build directory given (usage: ferry build --aws-batch DIR)");
  FERRY_RETURN_IF_ERROR(ResolveBuildDir(a_.dir, &abs_dir_));
  WorkflowKind kind;
  FERRY_RETURN_IF_ERROR(DetectWorkflow(abs_dir_, a_.exec, &kind));
  // Before anything is uploaded: a second build of this directory would
  // overwrite the mirror the first job builds from.
  FERRY_RETURN_IF_ERROR(LockBuildDir(*env_, abs_dir_, &lock_));
  FERRY_RETURN_IF_ERROR(LoadSettings());
  if (settings_.s3_bucket.value.empty())
    return Status::Invalid(
        "no S3 bucket for the build directory: set --aws-batch-s3-bucket, "
        "FERRY_AWS_BATCH_S3_BUCKET, or build.bucket in " +
        config_path_);
  FERRY_RETURN_IF_ERROR(ParseBucketSetting(settings_.s3_bucket.value, &where_).WithPrefix(settings_.s3_bucket.origin));
  where_.dir_id = DirId(abs_dir_);
  FERRY_RETURN_IF_ERROR(OpenAws());
  FERRY_RETURN_IF_ERROR(CheckBatchSetup());
  FERRY_RETURN_IF_ERROR(CheckBucket());
  FERRY_RETURN_IF_ERROR(CheckNoDetachedBuild());

  // The workflow as the job runs it.
  std::string cli_base(PathBaseName(settings_.cli.value));
  std::vector<std::string> workflow =
      WorkflowArgv(a_, settings_, kind, StartsWith(cli_base, "ferry") ? settings_.cli.value : "ferry", out_);

  FERRY_RETURN_IF_ERROR(Upload());
  // The job script writes results-mtimes as its last step: removed before
  // the job starts, its presence afterwards proves the script ran.
  if (Status d = s3_->DeleteObject(where_.bucket, where_.ResultsMtimesKey()); !d.ok())
    return BucketProblem("Preparing the results area in", d);

  JobScriptOptions jo;
  jo.cli = settings_.cli.value;
  jo.region = session_.region.region;
  // A custom S3 endpoint (an emulator, a private endpoint) is where the job
  // must go too; on AWS the job finds S3 by itself.
  if (s3_->endpoint().custom) jo.endpoint_url = s3_->endpoint().Url();
  jo.s3 = a_.aws.s3;
  jo.tree_url = where_.TreeUrl();
  // The job sends results back by the same exclusion rules as the upload.
  FERRY_RETURN_IF_ERROR(UploadExcludes(abs_dir_, a_.exclude_upload, &jo.exclude));
  SubmitSpec spec;
  spec.job_name = JobNameFor(abs_dir_);
  spec.queue = settings_.queue.value;
  spec.job_definition = settings_.job.value;
  spec.cpus = settings_.batch_cpus;
  spec.memory_mib = settings_.batch_memory_mib;
  spec.workflow = workflow;
  spec.environment.emplace_back(kTreeUrlVariable, where_.TreeUrl());
  if (a_.forward_credentials) {
    FERRY_RETURN_IF_ERROR(ForwardCredentials(&jo.credentials_url, &jo.credentials_refresh_s));
    spec.environment.emplace_back(kCredentialsUrlVariable, jo.credentials_url);
  }
  spec.script = JobScript(jo);

  // From here on Control-C and Control-Z concern a job: the watch loop
  // sees signals that arrive while the job is being submitted.
  if (!a_.detach) InstallBuildSignalHandlers();
  std::string job_id;
  aws::AwsError err;
  Status s = batch_->SubmitJob(SubmitJobRequest(spec), &job_id, &err);
  if (!s.ok()) return Status::Failed("submitting the job failed: " + s.message());
  record_.job_id = job_id;
  record_.directory = abs_dir_;
  record_.status = "SUBMITTED";
  record_.queue = spec.queue;
  record_.job_definition = spec.job_definition;
  record_.region = session_.region.region;
  record_.tree_url = where_.TreeUrl();
  record_.submitted_ms = NowMs();
  // Recorded before anything else happens, so a ferry killed from here on
  // leaves a build that --list shows and --attach follows.
  RecordPut();
  std::fprintf(out_->human(), "Submitted AWS Batch job %s (queue %s, job definition %s, region %s)\n", job_id.c_str(),
               spec.queue.c_str(), spec.job_definition.c_str(), session_.region.region.c_str());
  std::fflush(out_->human());
  if (Status named = lock_->SetName(job_id); !named.ok())
    std::fprintf(out_->errors(), "warning: %s\n", named.message().c_str());
  if (a_.json) out_->Record(BuildRecordJson(record_));

  if (a_.detach) {
    PrintReattach(job_id, "Detaching from the job, as requested.");
    WarnForwardedExpiry();
    return Status::Ok();
  }
  return Follow(job_id, /*download=*/!a_.no_download);
}

Status BuildDriver::Attach() {
  if (a_.detach) return Status::Invalid("--attach and --detach cannot be used together");
  if (a_.dir.empty() && !a_.no_download && !a_.cancel)
    return Status::Invalid(
        "--attach needs the build directory to download into (ferry build --aws-batch "
        "--attach " +
        a_.attach + " DIR), or --no-download");
  if (!a_.dir.empty()) FERRY_RETURN_IF_ERROR(ResolveBuildDir(a_.dir, &abs_dir_));
  FERRY_RETURN_IF_ERROR(LoadSettings());
  FERRY_RETURN_IF_ERROR(OpenAws());
  std::vector<json> jobs;
  Status s = batch_->DescribeJobs({a_.attach}, &jobs);
  if (!s.ok()) return Status::Failed("looking up job " + a_.attach + ": " + s.message());
  if (jobs.empty())
    return Status::Failed("AWS Batch has no job " + a_.attach + " in region " + session_.region.region +
                          ": check the id (ferry build --list shows this machine's builds) and the region; "
                          "Batch forgets jobs some days after they end");
  JobState job = ParseJobState(jobs.front());
  // What this machine remembers about the job, if anything.
  OpenHistory();
  bool known = false;
  if (history_) history_->Find(job.job_id, &record_, &known);
  record_.job_id = job.job_id;
  if (!abs_dir_.empty()) record_.directory = abs_dir_;
  record_.queue = job.queue;
  record_.region = session_.region.region;
  if (!job.tree_url.empty()) record_.tree_url = job.tree_url;
  if (!record_.submitted_ms) record_.submitted_ms = job.created_ms;

  if (a_.cancel) {
    std::fprintf(out_->human(), "Job %s is %s\n", job.job_id.c_str(), job.status.c_str());
    if (IsTerminal(job.status)) {
      std::fprintf(out_->human(), "The job has already ended; nothing to cancel.\n");
      return Status::Ok();
    }
    FERRY_RETURN_IF_ERROR(
        batch_->TerminateJob(job.job_id, "stopped by user").WithPrefix("canceling job " + job.job_id));
    std::fprintf(out_->human(), "Canceled job %s (it stops within moments; ferry build --list shows its last status)\n",
                 job.job_id.c_str());
    RecordStatus(job);
    if (a_.json) out_->Record(BuildRecordJson(record_));
    return Status::Ok();
  }
  bool download = !a_.no_download;
  if (download) {
    if (job.tree_url.empty() || !LocationFromTreeUrl(job.tree_url, &where_))
      return Status::Failed("job " + job.job_id + " has no " + kTreeUrlVariable +
                            " in its environment: it was not submitted by ferry build, so there is nothing to "
                            "download (use --no-download to follow it anyway)");
  }
  std::fprintf(out_->human(), "Attaching to AWS Batch job %s\n", job.job_id.c_str());
  if (!job.credentials_url.empty() && !IsTerminal(job.status)) {
    // Keep refreshing what an earlier ferry forwarded to this job.
    forwarder_ = std::make_unique<CredentialForwarder>(s3_.get(), session_.credentials.get());
    forwarder_->Resume(job.credentials_url);
  }
  return Follow(job.job_id, download);
}

Status BuildDriver::Follow(const std::string& job_id, bool download) {
  WatchOptions wo;
  wo.poll_ms = EnvInt(*env_, "FERRY_BUILD_POLL_MS", 5000);
  wo.log_poll_ms = EnvInt(*env_, "FERRY_BUILD_LOG_POLL_MS", std::min(wo.poll_ms, 1000));
  wo.on_terminal = out_->interactive();
  wo.stream_logs = !a_.no_logs;
  wo.out = out_->human();
  wo.err = out_->human();
  int64_t warn_ms = 5 * 60 * 1000;
  std::optional<std::string> warn = a_.runnable_warning;
  std::string warn_origin = "--runnable-warning";
  if (!warn) {
    warn = env_->Get("FERRY_BUILD_RUNNABLE_WARNING");
    warn_origin = "FERRY_BUILD_RUNNABLE_WARNING";
  }
  if (warn) {
    // A bare number means seconds here, unlike ParseDuration's default.
    std::string w = *warn;
    if (!w.empty() && std::isdigit(static_cast<unsigned char>(w.back()))) w += "s";
    if (!ParseDuration(w, &warn_ms))
      return Status::Invalid(warn_origin + ": '" + *warn + "' is not a duration (write e.g. 5m or 90s)");
  }
  wo.runnable_warn_ms = warn_ms;
  wo.on_status = [this](const JobState& j) { RecordStatus(j); };
  wo.on_poll = [this] { RefreshForwardedCredentials(); };
  if (wo.on_terminal)
    std::fprintf(out_->human(),
                 "Press Control-C twice within 10 seconds to cancel this job, Control-Z to detach from it.\n");

  WatchResult wr;
  Status s = WatchJob(*batch_, *logs_, job_id, wo, &wr);
  RestoreBuildSignalHandlers();
  if (!s.ok() && s.kind() != Status::Kind::kNotFound) {
    // The job itself is most likely fine: say how to pick it up again.
    std::fprintf(out_->errors(), "ferry build: %s\n", s.message().c_str());
    PrintReattach(job_id, "Lost track of the job; it may still be running.");
    exit_code_ = 1;
    return Status::Ok();
  }
  if (!s.ok()) return Status::Failed(s.message());
  if (wr.end == WatchEnd::kDetached) {
    PrintReattach(job_id, "Detaching from the job.");
    WarnForwardedExpiry();
    return Status::Ok();
  }
  // The job has ended (or ferry stops waiting): nothing will read a set
  // written but not yet taken.
  if (forwarder_) forwarder_->Cleanup();
  if (wr.end == WatchEnd::kGaveUp) {
    std::fprintf(out_->human(), "No longer waiting for job %s to stop.\n", job_id.c_str());
    exit_code_ = 130;
    return Status::Ok();
  }
  const JobState& job = wr.job;
  std::fprintf(out_->human(), "%s\n", EndReport(job).c_str());
  std::fflush(out_->human());
  exit_code_ = ExitCodeFor(job);
  // What kept the workflow from running, named by the rule `ferry run` reports its jobs with.
  if (job.status == "FAILED" && !wr.canceled) {
    std::string cause = StartFailureCause(job.described, wr.log_tail, Source());
    if (!cause.empty())
      std::fprintf(out_->errors(), "ferry build: job %s failed before its workflow ran: %s\n", job.job_id.c_str(),
                   cause.c_str());
  }
  // Batch's SUCCEEDED only says the container exited 0.
  if (download && !wr.canceled && exit_code_ == 0 && RanNothing(job)) {
    exit_code_ = 1;
    download = false;
  }
  if (download && !wr.canceled) {
    Status d = Download();
    if (!d.ok()) {
      std::fprintf(out_->errors(), "ferry build: %s\n", d.message().c_str());
      if (exit_code_ == 0) exit_code_ = 1;
    }
  }
  if (a_.json) out_->Record(BuildRecordJson(record_));
  return Status::Ok();
}

void BuildDriver::PrintReattach(const std::string& job_id, const char* why) {
  std::string dir = abs_dir_.empty() ? "DIR" : ShellQuote(abs_dir_);
  std::fprintf(out_->human(),
               "%s\nRun this to re-attach to the job later, see its output and download its results:\n"
               "  ferry build --aws-batch --attach %s %s\n",
               why, job_id.c_str(), dir.c_str());
  std::fflush(out_->human());
}

Status BuildDriver::LoadSettings() {
  config_path_ = ConfigFilePath(*env_);
  std::error_code ec;
  // Read whenever something is there: a FIFO or a directory is an error
  // from the reader, not a config silently skipped.
  bool have = std::filesystem::exists(config_path_, ec);
  Config config;  // the user config every command reads (docs/build.md)
  if (have) FERRY_RETURN_IF_ERROR(Config::Load(ConfigLoadOptions{{config_path_}, {}, {}, {}}, &config));
  for (const auto& w : config.warnings()) std::fprintf(out_->errors(), "warning: %s\n", w.c_str());
  // The AWS settings `ferry run` takes from the same file (aws.region,
  // aws.profile, aws.client.endpoint), where no option set them: one config
  // for every command.
  const std::string where = " in " + config_path_;
  auto from_config = [&](const char* key, std::string* value, std::string* origin) {
    const Value* v = have ? config.Get(key) : nullptr;
    if (!value->empty() || !v || !v->is_string() || v->as_string().empty()) return false;
    *value = v->as_string();
    *origin = key + where;
    return true;
  };
  from_config("aws.region", &a_.aws.region, &a_.aws.region_origin);
  from_config("aws.client.endpoint", &a_.aws.endpoint_url, &a_.aws.endpoint_origin);
  from_config("aws.profile", &a_.aws.profile, &a_.aws.profile_origin);
  // The objects of the mirror and of the job's results carry the same
  // encryption, storage class, ACL and payer as a run's.
  std::string bad_key;
  Status st = aws::S3ObjectSettingsFromConfig(
      [&](const std::string& key, std::string* text) {
        const Value* v = have ? config.Get(key) : nullptr;
        *text = !v ? "" : v->is_bool() ? (v->as_bool() ? "true" : "false") : v->is_string() ? v->as_string() : "";
        return Status::Ok();  // the schema checked the types when it loaded the file
      },
      &a_.aws.s3, &bad_key);
  if (!st.ok()) {
    const SourceLoc* loc = config.WhereSet(bad_key);
    return Status::Invalid((loc ? loc->ToString() : config_path_) + ": " + st.message());
  }
  return ResolveBuildSettings(a_.flags, *env_, have ? &config : nullptr, config_path_, &settings_);
}

Status BuildDriver::OpenAws() {
  aws::SessionOptions so;
  so.fallback_region = "us-east-1";
  FERRY_RETURN_IF_ERROR(aws::OpenSession(a_.aws, env_, so, &session_));
  aws::Credentials creds;
  Status cs = session_.credentials->Get(&creds);
  // The chain's own error already says what it tried and how to fix it.
  if (!cs.ok()) return Status::Failed(cs.message());
  if (creds.empty())
    return Status::Failed(
        "no AWS credentials found: the keys are empty. Set AWS_ACCESS_KEY_ID and "
        "AWS_SECRET_ACCESS_KEY, or AWS_PROFILE with a profile in ~/.aws/credentials, or run "
        "where an instance or task role is available");
  // Batch allows 50 control-plane calls a second per account; one build
  // needs a few a minute, so stay far below and leave room for others.
  batch_ = std::make_unique<aws::BatchClient>(session_.client, std::make_shared<aws::RateLimiter>(5.0));
  logs_ = std::make_unique<aws::LogsClient>(session_.client);
  FERRY_RETURN_IF_ERROR(aws::S3Client::Create(session_.client, &s3_));
  return Status::Ok();
}

// Before uploading anything: the job definition must exist and the queue
// must exist and be enabled (BatchClient owns both checks).
Status BuildDriver::CheckBatchSetup() {
  const std::string& region = session_.region.region;
  std::vector<json> defs;
  const std::string& jd = settings_.job.value;
  Status s = batch_->FindUsableJobDefinitions(jd, &defs);
  if (!s.ok()) return Status::Failed("checking job definition '" + jd + "' in " + region + ": " + s.message());
  if (defs.empty())
    return Status::Failed("AWS Batch job definition '" + jd + "' (from " + settings_.job.origin +
                          ") does not exist in region " + region +
                          ": register it (see docs/build.md), pick another with --aws-batch-job, or check the region");
  const std::string& q = settings_.queue.value;
  s = batch_->CheckJobQueue(q, region);
  if (s.kind() == Status::Kind::kNotFound)
    return Status::Failed(s.message() + ", named by " + settings_.queue.origin +
                          ": create it (see docs/build.md), pick another with --aws-batch-queue, or check the "
                          "region");
  if (s.kind() == Status::Kind::kInvalidInput)
    return Status::Failed(s.message() + " (the queue is named by " + settings_.queue.origin + ")");
  if (!s.ok()) return Status::Failed("checking job queue '" + q + "' in " + region + ": " + s.message());
  return Status::Ok();
}

JobSource BuildDriver::Source() const {
  JobSource source{settings_.cli.value, settings_.job.value, settings_.job.origin};
  // --attach: the definition the job was submitted with, if this machine remembers it.
  if (!record_.job_definition.empty() && record_.job_definition != settings_.job.value)
    source = JobSource{settings_.cli.value, record_.job_definition, ""};
  return source;
}

bool BuildDriver::RanNothing(const JobState& job) {
  aws::S3ObjectInfo info;
  Status h = s3_->Head(where_.bucket, where_.ResultsMtimesKey(), &info);
  if (h.kind() != Status::Kind::kNotFound) return false;  // there, or unknown: the download tells
  std::string evidence = "ferry's job script never wrote s3://" + where_.bucket + "/" + where_.ResultsMtimesKey() +
                         ", so no workflow ran and there are no results to download";
  std::fprintf(out_->errors(), "ferry build: %s\n", RanNothingMessage(job.described, Source(), evidence).c_str());
  return true;
}

Status BuildDriver::BucketProblem(const std::string& what, const Status& s) {
  return Status::Failed(what + " S3 bucket '" + where_.bucket + "' (from " + settings_.s3_bucket.origin +
                        ") failed: " + s.message() +
                        "\nCheck that: 1. the bucket exists in your account (ferry never creates it); 2. your "
                        "credentials may list, read and write it (s3:ListBucket, s3:GetObject, s3:PutObject, "
                        "s3:DeleteObject); 3. the name is spelled right.");
}

Status BuildDriver::CheckBucket() {
  aws::S3ListPage page;
  Status s = s3_->ListPage(where_.bucket, where_.TreeKeyPrefix(), "/", "", &page);
  if (!s.ok()) return BucketProblem("Reading", s);
  return Status::Ok();
}

Status BuildDriver::Upload() {
  UploadOptions uo;
  uo.exclude = a_.exclude_upload;
  UploadReport ur;
  std::fprintf(out_->human(), "Uploading %s to %s\n", abs_dir_.c_str(), where_.TreeUrl().c_str());
  std::fflush(out_->human());
  aws::TransferProgress progress;
  uo.progress = &progress;
  Status s;
  {
    aws::ProgressBar bar(&progress, out_->terminal());  // erased when the upload ends
    s = UploadDirectory(*s3_, abs_dir_, where_, uo, &ur);
  }
  if (!s.ok()) return BucketProblem("Uploading the build directory to", s);
  for (const auto& w : ur.warnings) std::fprintf(out_->errors(), "warning: %s\n", w.c_str());
  std::fprintf(out_->human(), "Uploaded %lld of %lld files (%s), removed %lld from the mirror\n",
               static_cast<long long>(ur.files_uploaded), static_cast<long long>(ur.files_total),
               FormatMemory(ur.bytes_uploaded).c_str(), static_cast<long long>(ur.files_deleted));
  return Status::Ok();
}

Status BuildDriver::Download() {
  DownloadOptions d;
  d.patterns = a_.download;
  d.exclude = a_.exclude_download;
  DownloadReport r;
  std::fprintf(out_->human(), "Downloading results into %s\n", abs_dir_.c_str());
  std::fflush(out_->human());
  aws::TransferProgress progress;
  d.progress = &progress;
  Status s;
  {
    aws::ProgressBar bar(&progress, out_->terminal());
    s = DownloadResults(*s3_, where_, abs_dir_, d, &r);
  }
  for (const auto& refused : r.refused) std::fprintf(out_->errors(), "warning: not downloaded: %s\n", refused.c_str());
  if (!s.ok()) return s.WithPrefix("downloading the results from " + where_.TreeUrl());
  std::fprintf(out_->human(), "Downloaded %lld files (%s), %lld unchanged\n",
               static_cast<long long>(r.files_downloaded), FormatMemory(r.bytes_downloaded).c_str(),
               static_cast<long long>(r.files_unchanged));
  for (const auto& f : r.conflicts)
    std::fprintf(out_->human(), "Changed here and by the job: %s kept, the job's version is in %s\n", f.c_str(),
                 ConflictCopyPath(f).c_str());
  for (const auto& f : r.deleted) std::fprintf(out_->human(), "Deleted by the job: %s\n", f.c_str());
  for (const auto& f : r.kept)
    std::fprintf(out_->human(), "Deleted by the job but changed here, kept: %s\n", f.c_str());
  return Status::Ok();
}

Status BuildDriver::ForwardCredentials(std::string* url, int* refresh_s) {
  std::random_device rd;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x%08x", rd(), rd());
  *url = "s3://" + where_.bucket + "/" + where_.prefix + "ferry-build/" + where_.dir_id + "/credentials-" + buf;
  forwarder_ = std::make_unique<CredentialForwarder>(s3_.get(), session_.credentials.get());
  std::optional<std::chrono::system_clock::duration> lifetime;
  Status s = forwarder_->Start(*url, &lifetime);
  if (s.kind() == Status::Kind::kInvalidInput) return s;
  if (!s.ok()) return BucketProblem("Writing the forwarded credentials to", s);
  *refresh_s = RefreshSeconds(lifetime);
  std::fprintf(out_->human(), "Forwarding your AWS credentials to the job through %s (the job deletes it)\n",
               url->c_str());
  return Status::Ok();
}

void BuildDriver::RefreshForwardedCredentials() {
  if (!forwarder_) return;
  Status s = forwarder_->Refresh();
  // Once: the next look tries again, and the job keeps the set it has.
  if (!s.ok() && !forward_warned_) {
    forward_warned_ = true;
    std::fprintf(out_->errors(), "warning: could not hand refreshed AWS credentials to the job (%s); trying again\n",
                 s.message().c_str());
  }
}

void BuildDriver::WarnForwardedExpiry() {
  if (!forwarder_ || !forwarder_->expiration()) return;
  int64_t ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(forwarder_->expiration()->time_since_epoch()).count();
  std::string when = FormatLocalTime(ms, "%Y-%m-%d %H:%M:%S");
  std::fprintf(out_->errors(),
               "note: the AWS credentials forwarded to the job expire at %s; ferry refreshes them only while it "
               "follows the job, so attach again before then if the job runs longer\n",
               when.c_str());
}

void BuildDriver::OpenHistory() {
  if (history_ || history_failed_) return;
  Status s = BuildHistory::Open(BuildHistoryPath(env_->GetOr("HOME", ".")), &history_);
  if (!s.ok()) {
    history_failed_ = true;
    std::fprintf(out_->errors(), "warning: %s (ferry build --list will not show this build)\n", s.message().c_str());
  }
}

void BuildDriver::RecordPut() {
  OpenHistory();
  if (!history_) return;
  if (Status s = history_->Put(record_); !s.ok()) std::fprintf(out_->errors(), "warning: %s\n", s.message().c_str());
}

void BuildDriver::RecordStatus(const JobState& j) {
  record_.status = j.status;
  record_.status_reason = j.status_reason;
  if (IsTerminal(j.status)) {
    record_.exit_code = ExitCodeFor(j);
    record_.ended_ms = j.stopped_ms ? j.stopped_ms : NowMs();
  }
  if (!j.tree_url.empty() && record_.tree_url.empty()) record_.tree_url = j.tree_url;
  OpenHistory();
  if (!history_) return;
  if (Status s = history_->UpdateStatus(record_); !s.ok())
    std::fprintf(out_->errors(), "warning: %s\n", s.message().c_str());
}

}  // namespace ferry::remote_build
