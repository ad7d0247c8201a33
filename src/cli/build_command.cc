// `ferry build`: runs a whole directory's workflow (ferry run, snakemake,
// make or --exec) either here (--local) or as one AWS Batch job
// (--aws-batch): upload the directory's changes, submit, watch the status
// and stream the log, download the results. Also detach/attach/cancel and
// the local list of past builds. The pieces live in src/remote_build; this file
// parses the command line and runs them in order.
#include <limits.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "aws/batch_client.h"
#include "aws/logs_client.h"
#include "aws/rate_limiter.h"
#include "aws/s3_client.h"
#include "aws/s3_progress.h"
#include "aws/s3_cli_table.h"
#include "aws/session.h"
#include "config/config.h"
#include "remote_build/build_history.h"
#include "remote_build/build_job.h"
#include "remote_build/build_settings.h"
#include "remote_build/build_signals.h"
#include "remote_build/build_watch.h"
#include "remote_build/build_workflow.h"
#include "remote_build/remote_dir.h"
#include "remote_build/three_way.h"
#include "cli/commands.h"
#include "cmdline/help_text.h"
#include "util/clock_text.h"
#include "util/path.h"
#include "util/text.h"
#include "util/units.h"

namespace ferry {

namespace {

using remote_build::BuildRecord;
using nlohmann::json;

struct BuildArgs {
  bool local = false, aws_batch = false;
  std::string exec;
  std::string dir;
  std::vector<std::string> workflow_args;
  remote_build::BuildFlags flags;
  aws::AwsSettings aws;
  std::vector<std::string> exclude_upload, download, exclude_download;
  bool no_download = false, no_logs = false, forward_credentials = false;
  bool detach = false, cancel = false, list = false, json = false;
  std::string attach;
  std::optional<std::string> runnable_warning;
};

Status ParseArgs(const std::vector<std::string>& args, BuildArgs* out, bool* help) {
  cmdline::Parsed p;
  FERRY_RETURN_IF_ERROR(cmdline::Parse(BuildTable(), args, &p));
  *help = p.help;
  if (p.help) return Status::Ok();
  // Settings that may also come from the environment or ~/.ferry/config are
  // optional: unset here means "look further".
  const std::vector<std::pair<const char*, std::optional<std::string>*>> settings = {
      {"--cpus", &out->flags.cpus},
      {"--memory", &out->flags.memory},
      {"--aws-batch-s3-bucket", &out->flags.s3_bucket},
      {"--aws-batch-job", &out->flags.job},
      {"--aws-batch-queue", &out->flags.queue},
      {"--aws-batch-cpus", &out->flags.batch_cpus},
      {"--aws-batch-memory", &out->flags.batch_memory},
      {"--aws-batch-cli", &out->flags.cli},
      {"--runnable-warning", &out->runnable_warning}};
  const std::vector<std::pair<const char*, bool*>> flags = {
      {"--local", &out->local},           {"--aws-batch", &out->aws_batch},
      {"--no-download", &out->no_download}, {"--no-logs", &out->no_logs},
      {"--forward-aws-credentials", &out->forward_credentials},
      {"--detach", &out->detach},         {"--cancel", &out->cancel},
      {"--list", &out->list},             {"--json", &out->json}};
  for (const auto& h : p.options) {
    for (const auto& [name, dest] : settings)
      if (h.is(name)) *dest = h.value;
    for (const auto& [name, dest] : flags)
      if (h.is(name)) *dest = true;
    if (h.is("--exec")) out->exec = h.value;
    else if (h.is("--attach")) out->attach = h.value;
    else if (h.is("--exclude-from-upload")) out->exclude_upload.push_back(h.value);
    else if (h.is("--download")) out->download.push_back(h.value);
    else if (h.is("--exclude-from-download")) out->exclude_download.push_back(h.value);
    else if (h.is("--region")) {
      out->aws.region = h.value;
      out->aws.region_origin = "--region";
    } else if (h.is("--profile")) {
      out->aws.profile = h.value;
      out->aws.profile_origin = "--profile";
      out->aws.profile_overrides_env = true;
    } else if (h.is("--endpoint-url")) {
      out->aws.endpoint_url = h.value;
      out->aws.endpoint_origin = "--endpoint-url";
    }
  }
  out->workflow_args = p.passthrough;
  if (p.positional.size() > 1)
    return Status::Invalid("one build directory expected, got " + std::to_string(p.positional.size()) + ": " +
                           Join(p.positional, ", ") + " (workflow arguments go after `--`)");
  if (!p.positional.empty()) out->dir = p.positional[0];
  return Status::Ok();
}

int Fail(const Status& s) {
  std::fprintf(stderr, "ferry build: %s\n", s.message().c_str());
  return s.exit_code();
}

int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int EnvInt(const aws::Env& env, const char* name, int fallback) {
  auto v = env.Get(name);
  if (!v) return fallback;
  int n = std::atoi(v->c_str());
  return n > 0 ? n : fallback;
}

std::string SelfExe() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "ferry";
  buf[n] = '\0';
  return buf;
}

Status CheckDir(const std::string& dir, std::string* abs) {
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return Status::Invalid("build directory '" + dir + "' does not exist or is not a directory");
  char buf[PATH_MAX];
  if (!::realpath(dir.c_str(), buf)) return Status::Invalid("cannot resolve '" + dir + "'");
  *abs = buf;
  return Status::Ok();
}

// The output the user reads: stdout normally, stderr when stdout carries
// --json records.
std::FILE* HumanOut(const BuildArgs& a) { return a.json ? stderr : stdout; }

void PrintJson(const json& j) {
  std::fprintf(stdout, "%s\n", j.dump().c_str());
  std::fflush(stdout);
}

// ---- --list -------------------------------------------------------------

std::string ShortTime(int64_t ms) { return ms > 0 ? FormatLocalTime(ms, "%Y-%m-%d %H:%M:%S") : "-"; }

int ListBuilds(const BuildArgs& a, const aws::Env& env) {
  std::unique_ptr<remote_build::BuildHistory> history;
  std::string path = remote_build::BuildHistoryPath(env.GetOr("HOME", "."));
  struct stat st;
  std::vector<BuildRecord> records;
  if (::stat(path.c_str(), &st) == 0) {
    if (Status s = remote_build::BuildHistory::Open(path, &history); !s.ok()) return Fail(s);
    if (Status s = history->List(&records); !s.ok()) return Fail(s);
  }
  if (a.json) {
    for (const auto& r : records) PrintJson(remote_build::BuildRecordJson(r));
    return 0;
  }
  if (records.empty()) {
    std::printf("No builds recorded on this machine yet (%s).\n", path.c_str());
    return 0;
  }
  std::printf("%-38s %-10s %-5s %-19s  %-19s  %s\n", "JOB ID", "STATUS", "EXIT", "SUBMITTED", "ENDED", "DIRECTORY");
  for (const auto& r : records)
    std::printf("%-38s %-10s %-5s %-19s  %-19s  %s\n", r.job_id.c_str(), r.status.c_str(),
                r.exit_code ? std::to_string(*r.exit_code).c_str() : "-", ShortTime(r.submitted_ms).c_str(),
                ShortTime(r.ended_ms).c_str(), r.directory.c_str());
  return 0;
}

// ---- --local ------------------------------------------------------------

int RunLocal(const std::vector<std::string>& argv, const std::string& dir) {
  std::vector<char*> cargv;
  for (const auto& s : argv) cargv.push_back(const_cast<char*>(s.c_str()));
  cargv.push_back(nullptr);
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) return Fail(Status::Failed("cannot start " + argv[0]));
  if (pid == 0) {
    if (::chdir(dir.c_str()) != 0) _exit(127);
    ::execvp(cargv[0], cargv.data());
    std::fprintf(stderr, "ferry build: cannot run %s: %s\n", cargv[0], std::strerror(errno));
    _exit(127);
  }
  // The workflow shares our terminal and gets Control-C itself; we wait for
  // it to finish and report its status.
  signal(SIGINT, SIG_IGN);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  signal(SIGINT, SIG_DFL);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

// ---- --aws-batch --------------------------------------------------------

class BatchBuild {
 public:
  BatchBuild(BuildArgs args, std::shared_ptr<const aws::Env> env) : a_(std::move(args)), env_(std::move(env)) {}

  int Run() {
    Status s = Main();
    if (!s.ok()) return Fail(s);
    return exit_code_;
  }

  // For `--list --aws-batch`: asks Batch about every recorded build that has
  // not ended, so the list shows current statuses. Jobs Batch has forgotten
  // keep their last recorded status.
  Status RefreshHistory() {
    OpenHistory();
    if (!history_) return Status::Ok();
    std::vector<BuildRecord> records;
    FERRY_RETURN_IF_ERROR(history_->List(&records));
    std::vector<std::string> open;
    for (const auto& r : records)
      if (!remote_build::IsTerminal(r.status)) open.push_back(r.job_id);
    if (open.empty()) return Status::Ok();
    FERRY_RETURN_IF_ERROR(LoadSettings());
    FERRY_RETURN_IF_ERROR(OpenAws());
    std::vector<json> jobs;
    FERRY_RETURN_IF_ERROR(batch_->DescribeJobs(open, &jobs));
    for (const auto& j : jobs) {
      remote_build::JobState state = remote_build::ParseJobState(j);
      bool found = false;
      record_ = BuildRecord{};
      FERRY_RETURN_IF_ERROR(history_->Find(state.job_id, &record_, &found));
      RecordStatus(state);
    }
    return Status::Ok();
  }

 private:
  FILE* out() const { return HumanOut(a_); }

  Status Main() {
    if (!a_.attach.empty()) return Attach();
    if (a_.cancel) return Status::Invalid("--cancel needs --attach JOB_ID (the job to cancel)");
    if (a_.dir.empty()) return Status::Invalid("no build directory given (usage: ferry build --aws-batch DIR)");
    FERRY_RETURN_IF_ERROR(CheckDir(a_.dir, &abs_dir_));
    remote_build::WorkflowKind kind;
    FERRY_RETURN_IF_ERROR(remote_build::DetectWorkflow(abs_dir_, a_.exec, &kind));
    FERRY_RETURN_IF_ERROR(LoadSettings());
    if (settings_.s3_bucket.value.empty())
      return Status::Invalid("no S3 bucket for the build directory: set --aws-batch-s3-bucket, "
                             "FERRY_AWS_BATCH_S3_BUCKET, or build.bucket in " +
                             config_path_);
    FERRY_RETURN_IF_ERROR(remote_build::ParseBucketSetting(settings_.s3_bucket.value, &where_)
                              .WithPrefix(settings_.s3_bucket.origin));
    where_.dir_id = remote_build::DirId(abs_dir_);
    FERRY_RETURN_IF_ERROR(OpenAws());
    FERRY_RETURN_IF_ERROR(CheckBatchSetup());
    FERRY_RETURN_IF_ERROR(CheckBucket());

    // The workflow as the job runs it.
    remote_build::WorkflowRequest wr;
    wr.kind = kind;
    wr.exec = a_.exec;
    std::string cli_base(PathBaseName(settings_.cli.value));
    wr.ferry_program = StartsWith(cli_base, "ferry") ? settings_.cli.value : "ferry";
    wr.user_args = a_.workflow_args;
    wr.cpus = settings_.workflow_cpus;
    wr.memory_mib = settings_.workflow_memory_mib;
    std::vector<std::string> warnings;
    std::vector<std::string> workflow = remote_build::WorkflowCommand(wr, &warnings);
    for (const auto& w : warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());

    FERRY_RETURN_IF_ERROR(Upload());

    remote_build::JobScriptOptions jo;
    jo.cli = settings_.cli.value;
    jo.region = session_.region.region;
    // A custom S3 endpoint (an emulator, a private endpoint) is where the job
    // must go too; on AWS the job finds S3 by itself.
    if (s3_->endpoint().custom) jo.endpoint_url = s3_->endpoint().Url();
    jo.tree_url = where_.TreeUrl();
    // The job sends results back by the same exclusion rules as the upload.
    FERRY_RETURN_IF_ERROR(remote_build::UploadExcludes(abs_dir_, a_.exclude_upload, &jo.exclude));
    remote_build::SubmitSpec spec;
    spec.job_name = remote_build::JobNameFor(abs_dir_);
    spec.queue = settings_.queue.value;
    spec.job_definition = settings_.job.value;
    spec.cpus = settings_.batch_cpus;
    spec.memory_mib = settings_.batch_memory_mib;
    spec.workflow = workflow;
    spec.environment.emplace_back(remote_build::kTreeUrlVariable, where_.TreeUrl());
    if (a_.forward_credentials) {
      FERRY_RETURN_IF_ERROR(ForwardCredentials(&jo.credentials_url));
      spec.environment.emplace_back(remote_build::kCredentialsUrlVariable, jo.credentials_url);
    }
    spec.script = remote_build::JobScript(jo);

    // From here on Control-C and Control-Z concern a job: the watch loop
    // sees signals that arrive while the job is being submitted.
    if (!a_.detach) remote_build::InstallBuildSignalHandlers();
    std::string job_id;
    aws::AwsError err;
    Status s = batch_->SubmitJob(remote_build::SubmitJobRequest(spec), &job_id, &err);
    if (!s.ok()) return Status::Failed("submitting the job failed: " + s.message());
    std::fprintf(out(), "Submitted AWS Batch job %s (queue %s, job definition %s, region %s)\n", job_id.c_str(),
                 spec.queue.c_str(), spec.job_definition.c_str(), session_.region.region.c_str());
    std::fflush(out());
    record_.job_id = job_id;
    record_.directory = abs_dir_;
    record_.status = "SUBMITTED";
    record_.queue = spec.queue;
    record_.job_definition = spec.job_definition;
    record_.region = session_.region.region;
    record_.tree_url = where_.TreeUrl();
    record_.submitted_ms = WallMs();
    RecordPut();
    if (a_.json) PrintJson(remote_build::BuildRecordJson(record_));

    if (a_.detach) {
      PrintReattach(job_id, "Detaching from the job, as requested.");
      return Status::Ok();
    }
    return Follow(job_id, /*download=*/!a_.no_download);
  }

  Status Attach() {
    if (a_.detach) return Status::Invalid("--attach and --detach cannot be used together");
    if (a_.dir.empty() && !a_.no_download && !a_.cancel)
      return Status::Invalid("--attach needs the build directory to download into (ferry build --aws-batch "
                             "--attach " + a_.attach + " DIR), or --no-download");
    if (!a_.dir.empty()) FERRY_RETURN_IF_ERROR(CheckDir(a_.dir, &abs_dir_));
    FERRY_RETURN_IF_ERROR(LoadSettings());
    FERRY_RETURN_IF_ERROR(OpenAws());
    std::vector<json> jobs;
    Status s = batch_->DescribeJobs({a_.attach}, &jobs);
    if (!s.ok()) return Status::Failed("looking up job " + a_.attach + ": " + s.message());
    if (jobs.empty())
      return Status::Failed("AWS Batch has no job " + a_.attach + " in region " + session_.region.region +
                            ": check the id (ferry build --list shows this machine's builds) and the region; "
                            "Batch forgets jobs some days after they end");
    remote_build::JobState job = remote_build::ParseJobState(jobs.front());
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
      std::fprintf(out(), "Job %s is %s\n", job.job_id.c_str(), job.status.c_str());
      if (remote_build::IsTerminal(job.status)) {
        std::fprintf(out(), "The job has already ended; nothing to cancel.\n");
        return Status::Ok();
      }
      FERRY_RETURN_IF_ERROR(batch_->TerminateJob(job.job_id, "stopped by user").WithPrefix("canceling job " +
                                                                                          job.job_id));
      std::fprintf(out(), "Canceled job %s (it stops within moments; ferry build --list shows its last status)\n",
                   job.job_id.c_str());
      RecordStatus(job);
      if (a_.json) PrintJson(remote_build::BuildRecordJson(record_));
      return Status::Ok();
    }
    bool download = !a_.no_download;
    if (download) {
      if (job.tree_url.empty() || !remote_build::LocationFromTreeUrl(job.tree_url, &where_))
        return Status::Failed("job " + job.job_id + " has no " + remote_build::kTreeUrlVariable +
                              " in its environment: it was not submitted by ferry build, so there is nothing to "
                              "download (use --no-download to follow it anyway)");
    }
    std::fprintf(out(), "Attaching to AWS Batch job %s\n", job.job_id.c_str());
    return Follow(job.job_id, download);
  }

  Status Follow(const std::string& job_id, bool download) {
    remote_build::WatchOptions wo;
    wo.poll_ms = EnvInt(*env_, "FERRY_BUILD_POLL_MS", 5000);
    wo.log_poll_ms = EnvInt(*env_, "FERRY_BUILD_LOG_POLL_MS", std::min(wo.poll_ms, 1000));
    wo.on_terminal = ::isatty(STDIN_FILENO);
    wo.stream_logs = !a_.no_logs;
    wo.out = out();
    wo.err = out();
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
    wo.on_status = [this](const remote_build::JobState& j) { RecordStatus(j); };
    if (wo.on_terminal)
      std::fprintf(out(), "Press Control-C twice within 10 seconds to cancel this job, Control-Z to detach from it.\n");

    remote_build::WatchResult wr;
    Status s = remote_build::WatchJob(*batch_, *logs_, job_id, wo, &wr);
    remote_build::RestoreBuildSignalHandlers();
    if (!s.ok() && s.kind() != Status::Kind::kNotFound) {
      // The job itself is most likely fine: say how to pick it up again.
      std::fprintf(stderr, "ferry build: %s\n", s.message().c_str());
      PrintReattach(job_id, "Lost track of the job; it may still be running.");
      exit_code_ = 1;
      return Status::Ok();
    }
    if (!s.ok()) return Status::Failed(s.message());
    if (wr.end == remote_build::WatchEnd::kDetached) {
      PrintReattach(job_id, "Detaching from the job.");
      return Status::Ok();
    }
    if (wr.end == remote_build::WatchEnd::kGaveUp) {
      std::fprintf(out(), "No longer waiting for job %s to stop.\n", job_id.c_str());
      exit_code_ = 130;
      return Status::Ok();
    }
    const remote_build::JobState& job = wr.job;
    std::fprintf(out(), "%s\n", remote_build::EndReport(job).c_str());
    std::fflush(out());
    exit_code_ = remote_build::ExitCodeFor(job);
    if (download && !wr.canceled) {
      Status d = Download();
      if (!d.ok()) {
        std::fprintf(stderr, "ferry build: %s\n", d.message().c_str());
        if (exit_code_ == 0) exit_code_ = 1;
      }
    }
    if (a_.json) PrintJson(remote_build::BuildRecordJson(record_));
    return Status::Ok();
  }

  void PrintReattach(const std::string& job_id, const char* why) {
    std::string dir = abs_dir_.empty() ? "DIR" : ShellQuote(abs_dir_);
    std::fprintf(out(),
                 "%s\nRun this to re-attach to the job later, see its output and download its results:\n"
                 "  ferry build --aws-batch --attach %s %s\n",
                 why, job_id.c_str(), dir.c_str());
    std::fflush(out());
  }

  Status LoadSettings() {
    config_path_ = remote_build::ConfigFilePath(*env_);
    std::error_code ec;
    bool have = std::filesystem::is_regular_file(config_path_, ec);
    Config config;  // the user config every command reads (docs/build.md)
    if (have) FERRY_RETURN_IF_ERROR(Config::Load(ConfigLoadOptions{{config_path_}, {}, {}, {}}, &config));
    for (const auto& w : config.warnings()) std::fprintf(stderr, "warning: %s\n", w.c_str());
    return remote_build::ResolveBuildSettings(a_.flags, *env_, have ? &config : nullptr, config_path_, &settings_);
  }

  Status OpenAws() {
    aws::SessionOptions so;
    so.fallback_region = "us-east-1";
    FERRY_RETURN_IF_ERROR(aws::OpenSession(a_.aws, env_, so, &session_));
    aws::Credentials creds;
    Status cs = session_.credentials->Get(&creds);
    if (!cs.ok() || creds.empty())
      return Status::Failed("no AWS credentials found: " + (cs.ok() ? std::string("the keys are empty") : cs.message()) +
                            ". Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE with a profile in "
                            "~/.aws/credentials, or run where an instance or task role is available");
    // Batch allows 50 control-plane calls a second per account; one build
    // needs a few a minute, so stay far below and leave room for others.
    batch_ = std::make_unique<aws::BatchClient>(session_.client, std::make_shared<aws::RateLimiter>(5.0));
    logs_ = std::make_unique<aws::LogsClient>(session_.client);
    FERRY_RETURN_IF_ERROR(aws::S3Client::Create(session_.client, &s3_));
    return Status::Ok();
  }

  // Before uploading anything: the job definition and queue must exist.
  Status CheckBatchSetup() {
    const std::string& region = session_.region.region;
    std::vector<json> defs;
    const std::string& jd = settings_.job.value;
    Status s;
    if (jd.find(':') != std::string::npos) {  // name:revision or an ARN
      json resp;
      s = batch_->Call("DescribeJobDefinitions", json{{"jobDefinitions", {jd}}}, &resp);
      if (s.ok() && resp.contains("jobDefinitions") && resp["jobDefinitions"].is_array())
        for (const auto& d : resp["jobDefinitions"]) defs.push_back(d);
    } else {
      s = batch_->DescribeJobDefinitions(jd, "ACTIVE", &defs);
    }
    if (!s.ok()) return Status::Failed("checking job definition '" + jd + "' in " + region + ": " + s.message());
    if (defs.empty())
      return Status::Failed("AWS Batch job definition '" + jd + "' (from " + settings_.job.origin +
                            ") does not exist in region " + region +
                            ": register it (see docs/build.md), pick another with --aws-batch-job, or check the region");
    std::vector<json> queues;
    const std::string& q = settings_.queue.value;
    s = batch_->DescribeJobQueues({q}, &queues);
    if (!s.ok()) return Status::Failed("checking job queue '" + q + "' in " + region + ": " + s.message());
    if (queues.empty())
      return Status::Failed("AWS Batch job queue '" + q + "' (from " + settings_.queue.origin +
                            ") does not exist in region " + region +
                            ": create it (see docs/build.md), pick another with --aws-batch-queue, or check the region");
    std::string state = queues.front().value("state", "");
    if (state == "DISABLED")
      std::fprintf(stderr, "warning: job queue '%s' is DISABLED: the job will wait until it is enabled\n", q.c_str());
    return Status::Ok();
  }

  Status BucketProblem(const std::string& what, const Status& s) {
    return Status::Failed(what + " S3 bucket '" + where_.bucket + "' (from " + settings_.s3_bucket.origin +
                          ") failed: " + s.message() +
                          "\nCheck that: 1. the bucket exists in your account (ferry never creates it); 2. your "
                          "credentials may list, read and write it (s3:ListBucket, s3:GetObject, s3:PutObject, "
                          "s3:DeleteObject); 3. the name is spelled right.");
  }

  Status CheckBucket() {
    aws::S3ListPage page;
    Status s = s3_->ListPage(where_.bucket, where_.TreeKeyPrefix(), "/", "", &page);
    if (!s.ok()) return BucketProblem("Reading", s);
    return Status::Ok();
  }

  Status Upload() {
    remote_build::UploadOptions uo;
    uo.exclude = a_.exclude_upload;
    remote_build::UploadReport ur;
    std::fprintf(out(), "Uploading %s to %s\n", abs_dir_.c_str(), where_.TreeUrl().c_str());
    std::fflush(out());
    aws::TransferProgress progress;
    uo.progress = &progress;
    Status s;
    {
      aws::ProgressBar bar(&progress, ::isatty(STDERR_FILENO));  // erased when the upload ends
      s = remote_build::UploadDirectory(*s3_, abs_dir_, where_, uo, &ur);
    }
    if (!s.ok()) return BucketProblem("Uploading the build directory to", s);
    for (const auto& w : ur.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
    std::fprintf(out(), "Uploaded %lld of %lld files (%s), removed %lld from the mirror\n",
                 static_cast<long long>(ur.files_uploaded), static_cast<long long>(ur.files_total),
                 FormatMemory(ur.bytes_uploaded).c_str(), static_cast<long long>(ur.files_deleted));
    return Status::Ok();
  }

  Status Download() {
    remote_build::DownloadOptions d;
    d.patterns = a_.download;
    d.exclude = a_.exclude_download;
    remote_build::DownloadReport r;
    std::fprintf(out(), "Downloading results into %s\n", abs_dir_.c_str());
    std::fflush(out());
    aws::TransferProgress progress;
    d.progress = &progress;
    Status s;
    {
      aws::ProgressBar bar(&progress, ::isatty(STDERR_FILENO));
      s = remote_build::DownloadResults(*s3_, where_, abs_dir_, d, &r);
    }
    for (const auto& refused : r.refused) std::fprintf(stderr, "warning: not downloaded: %s\n", refused.c_str());
    if (!s.ok()) return s.WithPrefix("downloading the results from " + where_.TreeUrl());
    std::fprintf(out(), "Downloaded %lld files (%s), %lld unchanged\n", static_cast<long long>(r.files_downloaded),
                 FormatMemory(r.bytes_downloaded).c_str(), static_cast<long long>(r.files_unchanged));
    for (const auto& f : r.conflicts)
      std::fprintf(out(), "Changed here and by the job: %s kept, the job's version is in %s\n", f.c_str(),
                   remote_build::ConflictCopyPath(f).c_str());
    for (const auto& f : r.deleted) std::fprintf(out(), "Deleted by the job: %s\n", f.c_str());
    for (const auto& f : r.kept) std::fprintf(out(), "Deleted by the job but changed here, kept: %s\n", f.c_str());
    return Status::Ok();
  }

  Status ForwardCredentials(std::string* url) {
    aws::Credentials c;
    FERRY_RETURN_IF_ERROR(session_.credentials->Get(&c));
    std::random_device rd;
    char buf[40];
    std::snprintf(buf, sizeof buf, "%08x%08x", rd(), rd());
    *url = "s3://" + where_.bucket + "/" + where_.prefix + "ferry-build/" + where_.dir_id + "/credentials-" + buf;
    Status s = remote_build::PutForwardedCredentials(*s3_, *url, c.access_key_id, c.secret_access_key, c.session_token);
    if (!s.ok()) return BucketProblem("Writing the forwarded credentials to", s);
    std::fprintf(out(), "Forwarding your AWS credentials to the job through %s (the job deletes it)\n",
                 url->c_str());
    return Status::Ok();
  }

  void OpenHistory() {
    if (history_ || history_failed_) return;
    Status s = remote_build::BuildHistory::Open(remote_build::BuildHistoryPath(env_->GetOr("HOME", ".")), &history_);
    if (!s.ok()) {
      history_failed_ = true;
      std::fprintf(stderr, "warning: %s (ferry build --list will not show this build)\n", s.message().c_str());
    }
  }

  void RecordPut() {
    OpenHistory();
    if (!history_) return;
    if (Status s = history_->Put(record_); !s.ok()) std::fprintf(stderr, "warning: %s\n", s.message().c_str());
  }

  void RecordStatus(const remote_build::JobState& j) {
    record_.status = j.status;
    record_.status_reason = j.status_reason;
    if (remote_build::IsTerminal(j.status)) {
      record_.exit_code = remote_build::ExitCodeFor(j);
      record_.ended_ms = j.stopped_ms ? j.stopped_ms : WallMs();
    }
    if (!j.tree_url.empty() && record_.tree_url.empty()) record_.tree_url = j.tree_url;
    OpenHistory();
    if (!history_) return;
    if (Status s = history_->UpdateStatus(record_); !s.ok())
      std::fprintf(stderr, "warning: %s\n", s.message().c_str());
  }

  BuildArgs a_;
  std::shared_ptr<const aws::Env> env_;
  std::string abs_dir_, config_path_;
  remote_build::BuildSettings settings_;
  remote_build::RemoteLocation where_;
  aws::AwsSession session_;
  std::unique_ptr<aws::BatchClient> batch_;
  std::unique_ptr<aws::LogsClient> logs_;
  std::unique_ptr<aws::S3Client> s3_;
  std::unique_ptr<remote_build::BuildHistory> history_;
  bool history_failed_ = false;
  BuildRecord record_;
  int exit_code_ = 0;
};

int RunLocalBuild(const BuildArgs& a) {
  if (a.dir.empty()) return Fail(Status::Invalid("no build directory given (usage: ferry build --local DIR)"));
  std::string abs;
  if (Status s = CheckDir(a.dir, &abs); !s.ok()) return Fail(s);
  remote_build::WorkflowKind kind;
  if (Status s = remote_build::DetectWorkflow(abs, a.exec, &kind); !s.ok()) return Fail(s);
  remote_build::BuildSettings settings;
  // Only --cpus/--memory matter here; the Batch settings are not read.
  remote_build::BuildFlags f;
  f.cpus = a.flags.cpus;
  f.memory = a.flags.memory;
  aws::MapEnv no_env;
  if (Status s = remote_build::ResolveBuildSettings(f, no_env, nullptr, "", &settings); !s.ok()) return Fail(s);
  remote_build::WorkflowRequest wr;
  wr.kind = kind;
  wr.exec = a.exec;
  wr.ferry_program = SelfExe();
  wr.user_args = a.workflow_args;
  wr.cpus = settings.workflow_cpus;
  wr.memory_mib = settings.workflow_memory_mib;
  std::vector<std::string> warnings;
  std::vector<std::string> argv = remote_build::WorkflowCommand(wr, &warnings);
  for (const auto& w : warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  int code = RunLocal(argv, abs);
  if (a.json) {
    json j = {{"job_id", nullptr}, {"status", code == 0 ? "SUCCEEDED" : "FAILED"}, {"exit_code", code},
              {"directory", abs}, {"local", true}};
    PrintJson(j);
  }
  return code;
}

}  // namespace

const cmdline::Command& BuildTable() {
  using cmdline::Flag;
  using cmdline::Value;
  using cmdline::ValueKind;
  static const cmdline::Command kBuild = [] {
    cmdline::Command c = cmdline::MakeCommand("build",
                                              {"[--local | --aws-batch] [options] DIR [-- workflow args]",
                                               "--aws-batch --attach JOB_ID [DIR] [--cancel | --no-download]",
                                               "--list [--json]"},
                                              "run a directory's workflow here or as one AWS Batch job");
    c.details =
        "Runs DIR's workflow: pipeline.yml (ferry run), Snakefile (snakemake), Makefile (make),\n"
        "or the command given with --exec.\n"
        "\n"
        "Settings are read from options, then FERRY_AWS_BATCH_* variables, then the build scope of\n"
        "~/.ferry/config (FERRY_CONFIG overrides the path). See docs/build.md.\n"
        "\n"
        "exit codes: the workflow's (or job's) exit code; 1 AWS or setup problem; 2 bad input; 130 interrupted";
    c.options = {
        Flag("--local", "run in DIR on this machine (the default)"),
        Flag("--aws-batch", "run as one AWS Batch job: upload, submit, watch, download"),
        Value("--exec", "CMD", "the command to run instead of the detected workflow"),
        Value("--cpus", "N", "size of the job, also passed to the workflow"),
        Value("--memory", "SIZE", "memory of the job (e.g. 14gib), also passed to the workflow"),
        Value("--aws-batch-s3-bucket", "B[/P]", "bucket (and prefix) for the directory's mirror"),
        Value("--aws-batch-job", "NAME", "job definition (default ferry-job)"),
        Value("--aws-batch-queue", "NAME", "job queue (default ferry-job-queue)"),
        Value("--aws-batch-cpus", "N", "job vCPUs without telling the workflow"),
        Value("--aws-batch-memory", "MIB", "job memory without telling the workflow"),
        Value("--aws-batch-cli", "PATH", "CLI the job uses for S3 (aws, or a ferry binary)"),
        Value("--exclude-from-upload", "GLOB", "leave matching files out of the upload (repeatable)"),
        Value("--download", "GLOB", "download only matching results (repeatable, !GLOB negates)"),
        Value("--exclude-from-download", "GLOB", "do not download matching results (repeatable)"),
        Flag("--no-download", "download nothing"),
        Flag("--no-logs", "do not stream the job's log"),
        Flag("--forward-aws-credentials", "give the job your AWS credentials (through S3, never its environment)"),
        Flag("--detach", "return once the job is submitted"),
        Value("--attach", "JOB_ID", "follow an earlier job again (DIR optional with --no-download/--cancel)"),
        Flag("--cancel", "with --attach: stop the job"),
        Value("--runnable-warning", "DURATION", "warn when the job waits in RUNNABLE this long (default 5m)"),
        Flag("--list", "this machine's past and running builds"),
        Flag("--json", "machine-readable records on stdout"),
    };
    for (const auto& o : aws::AwsSettingOptions()) c.options.push_back(o);
    c.positional = ValueKind::kDir;
    c.passthrough = true;
    c.unknown_hint = "workflow arguments go after `--`";
    return c;
  }();
  return kBuild;
}

int BuildCommand(const std::vector<std::string>& args) {
  BuildArgs a;
  bool help = false;
  if (Status s = ParseArgs(args, &a, &help); !s.ok()) return Fail(s);
  if (help) {
    std::fputs(cmdline::HelpText(BuildTable()).c_str(), stdout);
    return 0;
  }
  auto env = std::make_shared<aws::ProcessEnv>();
  if (a.list) {
    if (a.aws_batch) {
      Status s = BatchBuild(a, env).RefreshHistory();
      if (!s.ok()) std::fprintf(stderr, "warning: could not ask AWS Batch for current statuses: %s\n", s.message().c_str());
    }
    return ListBuilds(a, *env);
  }
  if (a.local && a.aws_batch) return Fail(Status::Invalid("--local and --aws-batch exclude each other: pick one"));
  if (!a.aws_batch) {
    const char* batch_only = !a.attach.empty() ? "--attach" : a.detach ? "--detach" : a.cancel ? "--cancel" : nullptr;
    if (batch_only)
      return Fail(Status::Invalid(std::string(batch_only) +
                                  " only applies to AWS Batch builds: did you forget --aws-batch?"));
    return RunLocalBuild(a);
  }
  return BatchBuild(std::move(a), env).Run();
}

}  // namespace ferry
