#include "launch/run_setup.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>

#include "aws/batch_client.h"
#include "aws/logs_client.h"
#include "aws/rate_limiter.h"
#include "aws/session.h"
#include "awsbatch/batch_settings.h"
#include "awsbatch/job_tags.h"
#include "engine/work_store.h"
#include "launch/job_adoption.h"
#include "launch/pipeline_config.h"
#include "slurm/slurm_settings.h"
#include "util/path.h"
#include "util/text.h"
#include "util/units.h"

namespace ferry {

namespace fs = std::filesystem;

namespace {

std::string TimestampForFile() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", std::localtime(&t));
  return buf;
}

int HostCpus() {
  long n = ::sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<int>(n) : 1;
}

int64_t HostMemory() {
  long pages = ::sysconf(_SC_PHYS_PAGES), size = ::sysconf(_SC_PAGE_SIZE);
  return pages > 0 && size > 0 ? static_cast<int64_t>(pages) * size : 0;
}

}  // namespace

Status ResolveWorkRoots(const Config& config, const std::string& work_dir_option, const std::string& bucket_dir_option,
                        WorkRoots* out) {
  std::string work_root, s3_root = bucket_dir_option, s3_origin = "-bucket-dir";
  std::string config_work_dir;
  if (const Value* w = config.Get("workDir")) config_work_dir = w->ToString();
  if (IsS3Path(config_work_dir)) {
    std::string root;
    FERRY_RETURN_IF_ERROR(CheckS3WorkRoot(config_work_dir, "workDir", &root));
    if (s3_root.empty()) {
      s3_root = root;
      s3_origin = "workDir in the config";
    }
  } else {
    work_root = config_work_dir;
  }
  if (IsS3Path(work_dir_option)) {
    if (bucket_dir_option.empty()) {
      s3_root = work_dir_option;
      s3_origin = "-work-dir";
    }
  } else if (!work_dir_option.empty()) {
    work_root = work_dir_option;
  }
  if (work_root.empty()) work_root = "work";
  std::error_code ec;
  out->local = fs::absolute(work_root, ec).lexically_normal().string();
  out->s3 = s3_root;
  out->s3_origin = s3_root.empty() ? "" : s3_origin;
  return Status::Ok();
}

void ProtectRunFiles(const RunFiles& files, const TaskGraph& graph, PublishGuard* guard) {
  // Without a local publish target nothing can be overwritten: skip listing
  // the inputs of what may be 100,000 tasks.
  bool publishes = false;
  for (const auto& t : graph.tasks)
    publishes = publishes || (!t.directives.publish.empty() && !IsS3Path(t.directives.publish));
  if (!publishes) return;
  auto abs = [&](const std::string& p) { return AbsolutePath(files.launch_dir, p); };
  guard->Protect(abs(files.pipeline_file), "the pipeline file", true);
  for (const auto& c : files.config_files) guard->Protect(abs(c), "the config file", true);
  if (!files.params_file.empty()) guard->Protect(abs(files.params_file), "the params file", true);
  const std::string root = NormalizePath(files.work_root) + "/";
  for (const auto& t : graph.tasks) {
    for (const auto& in : t.staged) {
      if (IsS3Path(in.source)) continue;
      std::string src = abs(in.source);
      // An upstream task's output lives in its work dir; only files from
      // outside the work root are the user's data.
      if (src.compare(0, root.size(), root) == 0) continue;
      guard->Protect(src, "an input of task '" + t.display + "',", false);
    }
  }
}

TraceChoice ResolveTrace(const Config& config, bool option_on, const std::string& option_file) {
  TraceChoice t{option_on, option_file};
  if (const Value* v = config.Get("trace.enabled")) t.on = t.on || (v->is_bool() && v->as_bool());
  if (t.on && t.file.empty())
    if (const Value* f = config.Get("trace.file")) t.file = f->ToString();
  if (t.on && t.file.empty()) t.file = "trace-" + TimestampForFile() + ".tsv";
  return t;
}

Status ExecutorCapacity(const Config& config, ExecutorSlot* slot) {
  slot->cpus = HostCpus();
  slot->memory_bytes = HostMemory();
  // executor.$local.x (the local executor's own) wins over executor.x. The
  // config schema checked both when the file was read (a whole number of at
  // least 1, a memory size), so they only need reading here.
  auto get = [&config](const std::string& name) {
    const Value* v = config.Get("executor.$local." + name);
    return v && !v->is_null() ? v : config.Get("executor." + name);
  };
  if (const Value* v = get("cpus"); v && v->is_int()) slot->cpus = static_cast<int>(v->as_int());
  if (const Value* v = get("memory"); v && v->is_string()) ParseMemory(v->as_string(), &slot->memory_bytes);
  return Status::Ok();
}

Status LocalContainers(const Config& config, const std::vector<std::pair<std::string, std::string>>& env,
                       ContainerSettings* out) {
  std::vector<std::string> names;
  names.reserve(env.size());
  for (const auto& [k, v] : env) names.push_back(k);
  return ContainerSettingsFromConfig(config, names, out);
}

std::string ContainersIgnoredWarning(const TaskGraph& graph, const ContainerSettings& containers) {
  if (containers.enabled()) return "";
  const Task* first = nullptr;
  std::map<std::string, size_t> by_executor;  // local, slurm: where they run without their image
  for (const auto& t : graph.tasks) {
    // Slurm tasks run their .command.run as local ones do, engine and all;
    // Batch jobs always run in their image.
    if (t.directives.executor == "awsbatch" || t.directives.container.empty()) continue;
    if (!first) first = &t;
    ++by_executor[t.directives.executor];
  }
  if (!first) return "";
  std::vector<std::string> counts, places;
  for (const auto& [executor, n] : by_executor) {
    counts.push_back(std::to_string(n) + " " + executor);
    places.push_back(executor == "local" ? "on this machine" : "on the " + executor + " nodes");
  }
  return first->spec->loc.ToString() + ": " + Join(counts, " and ") + " task(s) name a container (first '" +
         first->display + "': " + first->directives.container +
         ") but no container engine is enabled, so they run directly " + Join(places, " and ") +
         " (set docker.enabled = true or podman.enabled = true in ferry.config to run them in their image)";
}

Status RunExecutors::Init(const Config& config) {
  ExecutorSlot local_slot;
  FERRY_RETURN_IF_ERROR(ExecutorCapacity(config, &local_slot));
  local_slot.executor = &local_;
  slots_["local"] = local_slot;
  ExecutorSlot batch_slot;
  batch_slot.max_running = 1;  // capacity in jobs: cpus/memory checks do not apply
  slots_["awsbatch"] = batch_slot;
  slots_["slurm"] = batch_slot;
  return Status::Ok();
}

Status RunExecutors::SetUpSlurm(const Config& config, const TaskGraph& graph, const WorkRoots& roots,
                                Progress** progress, RunOptions* run_opts) {
  bool used = std::any_of(graph.tasks.begin(), graph.tasks.end(),
                          [](const Task& t) { return t.directives.executor == "slurm"; }) ||
              std::any_of(graph.later.begin(), graph.later.end(),
                          [](const Task& t) { return t.directives.executor == "slurm"; });
  if (!used) {
    slots_.erase("slurm");
    return Status::Ok();
  }
  slurm::SlurmOptions options;
  FERRY_RETURN_IF_ERROR(slurm::SlurmOptionsFromConfig(config, &options));
  options.array_log_dir = roots.local + "/.slurm-logs";
  options.on_message = [progress](const std::string& text) {
    if (*progress) (*progress)->Message(text);
    else std::fprintf(stderr, "%s\n", text.c_str());
  };
  int queue_size = options.queue_size;
  slurm_runner_ = std::make_shared<slurm::ProcessCommandRunner>();
  slurm_ = std::make_unique<slurm::SlurmExecutor>(std::move(options), slurm_runner_);
  slots_["slurm"].executor = slurm_.get();
  slots_["slurm"].max_running = queue_size;
  // scancel, then squeue until none of the run's jobs is listed as active.
  run_opts->abort_grace_ms = std::max(run_opts->abort_grace_ms, 15000);
  return Status::Ok();
}

Status RunExecutors::SetUpAws(const Config& config, const TaskGraph& graph, const WorkRoots& roots, Progress** progress,
                              RunOptions* run_opts) {
  const std::string& s3_root = roots.s3;
  // Tasks made later (they read late outputs) count by the executor their
  // directives give without an item.
  bool batch = std::any_of(graph.later.begin(), graph.later.end(),
                           [](const Task& t) { return t.directives.executor == "awsbatch"; });
  bool s3 = batch;
  for (const auto& t : graph.tasks) {
    batch = batch || t.directives.executor == "awsbatch";
    s3 = s3 || IsS3Path(t.work_dir) || IsS3Path(t.directives.publish) || HasS3Inputs(t);
  }
  if (!batch) slots_.erase("awsbatch");
  if (!batch && !s3) return Status::Ok();
  aws::AwsSettings settings;
  FERRY_RETURN_IF_ERROR(AwsSettingsFromConfig(config, &settings));
  settings.profile_hint = aws::kConfigProfileHint;  // ferry run has no --profile: params take that
  // A run makes thousands of calls over hours: three attempts (the SDKs'
  // default) turn a brief S3 or Batch brown-out into a failed task. Without
  // aws.client.maxErrorRetry or AWS_MAX_ATTEMPTS, allow eight.
  if (settings.max_attempts == 0 && !std::getenv("AWS_MAX_ATTEMPTS")) settings.max_attempts = 8;
  AwsBatchOptions options;
  double submit_rate = 50;
  FERRY_RETURN_IF_ERROR(BatchOptionsFromConfig(config, &options, &submit_rate));
  aws::SessionOptions so;
  // Work dirs on S3 need the region the Batch environment lives in; plain
  // S3 inputs or publishing work without one, as with the aws CLI.
  if (!batch && s3_root.empty()) so.fallback_region = "us-east-1";
  aws::AwsSession session;
  Status st = aws::OpenSession(settings, nullptr, so, &session);
  if (!st.ok()) return Status::Invalid(st.message());
  // Anonymous access reads public buckets; a Batch run writes its work dirs.
  if (settings.s3.anonymous && (batch || !s3_root.empty()))
    return Status::Invalid(
        "config aws.client.anonymous = true: a run with work dirs on S3 writes there, which "
        "needs credentials (drop aws.client.anonymous, or run the tasks locally)");
  aws::Credentials creds;
  if (!settings.s3.anonymous) st = session.credentials->Get(&creds);
  if (!st.ok()) return Status::Invalid(st.message());
  std::unique_ptr<aws::S3Client> s3_client;
  FERRY_RETURN_IF_ERROR(aws::S3Client::Create(session.client, &s3_client));
  std::shared_ptr<aws::S3Client> s3c(std::move(s3_client));
  store_ = std::make_unique<S3WorkStore>(s3c, options.max_parallel_transfers);
  run_opts->s3_store = store_.get();
  if (!batch) return Status::Ok();
  options.bucket_dir = s3_root;
  options.bin_dir = run_opts->bin_dir;
  if (!roots.s3_origin.empty()) options.bucket_dir_origin = roots.s3_origin;
  options.region = session.region.region;
  options.endpoint_url = settings.endpoint_url;
  if (options.endpoint_url.empty()) options.endpoint_url = session.client->env().GetOr("AWS_ENDPOINT_URL", "");
  options.on_message = [progress](const std::string& text) {
    if (*progress) (*progress)->Message(text);
    else std::fprintf(stderr, "%s\n", text.c_str());
  };
  int queue_size = options.queue_size;
  auto limiter = std::make_shared<aws::RateLimiter>(submit_rate);
  auto batch_client = std::make_shared<aws::BatchClient>(session.client, limiter);
  auto logs = std::make_shared<aws::LogsClient>(session.client);
  batch_ = std::make_unique<AwsBatchExecutor>(std::move(options), batch_client, s3c, logs);
  batch_client_ = batch_client;
  s3_client_ = s3c;
  slots_["awsbatch"].executor = batch_.get();
  slots_["awsbatch"].max_running = queue_size;
  // Batch needs a few seconds to confirm that terminated jobs ended; leaving
  // sooner would report jobs as stopped that are still RUNNING.
  run_opts->abort_grace_ms = 20000;
  return Status::Ok();
}

Status RunExecutors::StartJournal(const std::string& ferry_dir, const RunRecord& run, bool resume, History* history,
                                  std::string* notice) {
  notice->clear();
  if (slurm_) slurm_->set_run_name(run.run_name);
  if (!batch_ && !slurm_) return Status::Ok();
  std::unique_ptr<JobJournal> opened;
  FERRY_RETURN_IF_ERROR(JobJournal::Open(ferry_dir, &opened));
  std::shared_ptr<JobJournal> journal(std::move(opened));
  std::vector<std::string> notices;
  if (resume && batch_) {
    std::vector<AdoptedJob> watch;
    AdoptionCounts counts;
    FERRY_RETURN_IF_ERROR(AdoptEarlierJobs(*batch_client_, *s3_client_, *journal, *history, &watch, &counts)
                              .WithPrefix("-resume: checking the AWS Batch jobs of earlier runs"));
    if (std::string n = AdoptionNotice("AWS Batch", counts); !n.empty()) notices.push_back(n);
    batch_->Adopt(std::move(watch));
  }
  if (resume && slurm_) {
    std::vector<slurm::AdoptedSlurmJob> watch;
    AdoptionCounts counts;
    FERRY_RETURN_IF_ERROR(AdoptEarlierSlurmJobs(*slurm_runner_, *journal, *history, &watch, &counts)
                              .WithPrefix("-resume: checking the Slurm jobs of earlier runs"));
    if (std::string n = AdoptionNotice("Slurm", counts); !n.empty()) notices.push_back(n);
    slurm_->Adopt(std::move(watch));
  }
  *notice = Join(notices, "\n");
  if (batch_) {
    // The ferry-pipeline tag of every job: the pipeline's name.
    std::error_code ec;
    fs::path pipeline = fs::absolute(run.pipeline, ec);
    batch_->UseJournal(journal, run.id, run.run_name,
                       PipelineTagName(pipeline.string(), fs::is_directory(pipeline, ec)));
  }
  if (slurm_) slurm_->UseJournal(journal, run.id);
  return Status::Ok();
}

Status RunExecutors::FinishJournal() {
  Status st = batch_ ? batch_->JournalEnds() : Status::Ok();
  Status sl = slurm_ ? slurm_->JournalEnds() : Status::Ok();
  return st.ok() ? sl : st;
}

}  // namespace ferry
