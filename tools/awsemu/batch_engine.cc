// BatchEngine's job half: submission, the state machine, placement within
// compute-environment capacity, running attempts, retries, and the job
// queries (DescribeJobs, ListJobs) and kills (TerminateJob, CancelJob).
#include "awsemu/batch_engine.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "awsemu/batch_fields.h"
#include "awsemu/batch_ids.h"
#include "awsemu/batch_job_spec.h"
#include "awsemu/batch_views.h"
#include "awsemu/container_engine.h"
#include "awsemu/job_sandbox.h"
#include "awsemu/logs_service.h"
#include "util/text.h"

namespace awsemu {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

const char* kMisconfigured =
    "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - The job resource requirement (vCPU/memory/GPU) is higher than that "
    "can be met by the CE(s) attached to the job queue.";
const char* kContainerExited = "Essential container in task exited";
const char* kTimedOut = "Job attempt duration exceeded timeout";
const char* kDependencyFailed = "Dependent Job failed";
constexpr int64_t kMaxLogBytesPerAttempt = 64LL << 20;
const char* kJobPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// What a job's environment starts from, as an image would provide it: a
// fixed PATH (not the emulator's, which may hold a developer's pyenv shims or
// virtualenv), so jobs find the same programs wherever the emulator was
// started; FERRY_AWSEMU_JOB_PATH replaces it and a job definition's or
// override's PATH wins over both. The locale and time zone are passed on.
std::vector<std::pair<std::string, std::string>> BaseEnvironment() {
  std::vector<std::pair<std::string, std::string>> env;
  const char* path = std::getenv("FERRY_AWSEMU_JOB_PATH");
  env.emplace_back("PATH", path && *path ? path : kJobPath);
  for (const char* name : {"LANG", "LC_ALL", "TZ", "USER", "LOGNAME"})
    if (const char* v = std::getenv(name)) env.emplace_back(name, v);
  return env;
}

int64_t HostMemoryMib() {
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page <= 0) return INT64_MAX / 2;
  return static_cast<int64_t>(pages) * page / (1024 * 1024);
}

std::string SafeDirName(const std::string& id) {
  std::string s = id;
  std::replace(s.begin(), s.end(), ':', '-');
  return s;
}

// The job's mount points for one attempt: scratch volumes (no host path)
// become directories in the attempt's scratch space. With `create`, a host
// path that does not exist is made an empty directory, as Docker does for a
// container; without it, such a mount is left to BuildSpawnSpec.
std::vector<MountSpec> AttemptMounts(const JobSpec& spec, const std::string& scratch, bool create) {
  std::vector<MountSpec> mounts;
  std::error_code ec;
  for (MountSpec m : spec.mounts) {
    if (m.host_path.rfind("@scratch/", 0) == 0) {
      m.host_path = (fs::path(scratch) / ".volumes" / m.host_path.substr(9)).string();
      fs::create_directories(m.host_path, ec);
    } else if (create && !fs::exists(m.host_path, ec)) {
      fs::create_directories(m.host_path, ec);
    }
    mounts.push_back(m);
  }
  return mounts;
}

}  // namespace

BatchEngine::BatchEngine(const EmuContext& ctx, FaultSource* faults, LogsService* logs, BatchTiming timing,
                         JobExecution exec)
    : ctx_(ctx), faults_(faults), logs_(logs), timing_(timing), exec_(std::move(exec)) {
  host_memory_mib_ = HostMemoryMib();
  StartWorker();
}

BatchEngine::~BatchEngine() { Shutdown(); }

void BatchEngine::StartWorker() {
  stop_ = false;
  worker_ = std::thread([this] { Loop(); });
}

void BatchEngine::StopWorker() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  runner_.Wake();
  if (worker_.joinable()) worker_.join();
}

void BatchEngine::Shutdown() {
  StopWorker();
  std::lock_guard<std::mutex> lock(mu_);
  runner_.KillAll();
}

void BatchEngine::Reset() {
  StopWorker();
  {
    std::lock_guard<std::mutex> lock(mu_);
    runner_.KillAll();
    jobs_.clear();
    top_jobs_.clear();
    runnable_.clear();
    running_.clear();
    pending_signals_.clear();
    timers_ = {};
    ces_.clear();
    queues_.clear();
    job_defs_.clear();
    policies_.clear();
    running_memory_mib_ = 0;
    active_jobs_ = 0;
    schedule_dirty_ = false;
  }
  std::error_code ec;
  if (!ctx_.data_dir.empty()) fs::remove_all(fs::path(ctx_.data_dir) / "batch", ec);
  StartWorker();
}

void BatchEngine::AddTimer(int64_t due, TimerKind kind, Job* job) {
  uint64_t gen = job->run_key;
  if (kind == TimerKind::kAdvance) gen = ++job->timer_gen;
  timers_.push({due, kind, job, gen});
}

Job* BatchEngine::FindJob(const std::string& id) {
  auto it = jobs_.find(id);
  return it == jobs_.end() ? nullptr : it->second.get();
}

// ---------------------------------------------------------------- SubmitJob

json BatchEngine::SubmitJob(const json& in) {
  std::unique_lock<std::mutex> lock(mu_);
  SubmitLookups lookups;
  lookups.queue = [this](const std::string& ref) -> const JobQueue* { return FindQueue(ref); };
  lookups.job_definition = [this](const std::string& ref) { return ResolveJobDefinition(ref); };
  lookups.queue_ce_types = [this](const JobQueue& q) {
    std::vector<std::string> types;
    for (const auto& [order, name] : q.compute_envs)
      if (ComputeEnv* ce = FindCe(name))
        types.push_back(ce->type == "UNMANAGED" ? "EC2" : ce->compute_resources.value("type", "EC2"));
    return types;
  };
  lookups.job_array_size = [this](const std::string& id) -> std::optional<int> {
    Job* j = FindJob(id);
    if (!j) return std::nullopt;
    return j->spec->array_size;
  };
  SubmitPlan plan;
  EmuError err = PlanSubmitJob(in, lookups, &plan);
  if (!err.ok()) throw err;
  auto spec = std::make_shared<const JobSpec>(std::move(plan.spec));
  const int size = spec->array_size;
  struct Dep {
    Job* job;  // null for SEQUENTIAL
    std::string type;
  };
  std::vector<Dep> deps;
  for (const JobDependency& d : plan.deps) deps.push_back({d.job_id.empty() ? nullptr : FindJob(d.job_id), d.type});
  const int64_t wall = NowMillis();
  const int64_t now = SteadyMs();
  auto make_job = [&](const std::string& id) {
    auto j = std::make_unique<Job>();
    j->id = id;
    j->seq = next_seq_++;
    j->spec = spec;
    j->created_at = wall;
    j->tags = spec->tags;
    Job* raw = j.get();
    jobs_[id] = std::move(j);
    AddTimer(now + timing_.step_ms, TimerKind::kAdvance, raw);
    return raw;
  };
  auto link = [](Job* job, Job* dep) {
    job->deps.push_back(dep);
    dep->dependents.push_back(job);
  };

  Job* job = make_job(NewUuid());
  top_jobs_.push_back(job);
  if (size == 0) {
    for (const Dep& d : deps) link(job, d.job);
  } else {
    job->children.reserve(size);
    for (int i = 0; i < size; ++i) {
      Job* child = make_job(job->id + ":" + std::to_string(i));
      child->parent = job;
      child->index = i;
      job->children.push_back(child);
      for (const Dep& d : deps) {
        if (d.type == "SEQUENTIAL") {
          if (i > 0) link(child, job->children[i - 1]);
        } else if (d.type == "N_TO_N") {
          link(child, d.job->children[i]);
        } else {
          link(child, d.job);
        }
      }
    }
  }
  runner_.Wake();
  return {{"jobArn", BatchArn(ctx_.region, "job", job->id)}, {"jobName", spec->name}, {"jobId", job->id}};
}

// ---------------------------------------------------------------- state machine

void BatchEngine::Advance(Job* job, int64_t now) {
  if (job->status == "SUBMITTED") {
    job->status = "PENDING";
    AddTimer(now + timing_.step_ms, TimerKind::kAdvance, job);
  } else if (job->status == "PENDING") {
    if (job->spec->array_size > 0 && !job->parent) return;  // an array parent follows its children
    bool all_ok = true;
    for (Job* d : job->deps) {
      if (d->status == "FAILED") {
        Fail(job, kDependencyFailed);
        return;
      }
      if (d->status != "SUCCEEDED") all_ok = false;
    }
    if (!all_ok) return;  // re-checked when a dependency ends
    job->status = "RUNNABLE";
    runnable_[job->spec->queue].push_back(job);
    schedule_dirty_ = true;
  } else if (job->status == "STARTING") {
    StartAttempt(job, now);
  }
}

bool BatchEngine::CanEverFit(const Job& job) const {
  auto q = queues_.find(job.spec->queue);
  if (q == queues_.end()) return false;
  for (const auto& [o, name] : q->second->compute_envs) {
    auto ce = ces_.find(name);
    if (ce != ces_.end() && job.spec->needs.FitsIn(ce->second->capacity)) return true;
  }
  return false;
}

void BatchEngine::Schedule(int64_t now) {
  schedule_dirty_ = false;
  if (faults_ && faults_->hold_runnable()) return;
  std::vector<JobQueue*> order;
  for (auto& [_, q] : queues_)
    if (q->state == "ENABLED") order.push_back(q.get());
  std::stable_sort(order.begin(), order.end(), [](JobQueue* a, JobQueue* b) { return a->priority > b->priority; });
  for (JobQueue* q : order) {
    auto& list = runnable_[q->name];
    for (auto it = list.begin(); it != list.end();) {
      Job* j = *it;
      if (j->status != "RUNNABLE") {
        it = list.erase(it);
        continue;
      }
      // A job no compute environment could ever hold waits with AWS's
      // reason; unlike AWS it does not block the jobs behind it.
      if (j->misconfigured || !CanEverFit(*j)) {
        j->misconfigured = true;
        j->status_reason = kMisconfigured;
        ++it;
        continue;
      }
      const Resources& need = j->spec->needs;
      ComputeEnv* placed = nullptr;
      for (const auto& [o, name] : q->compute_envs) {
        auto ce = ces_.find(name);
        if (ce == ces_.end() || ce->second->state != "ENABLED") continue;
        Resources after = ce->second->used;
        after.vcpus += need.vcpus;
        after.memory_mib += need.memory_mib;
        after.gpus += need.gpus;
        if (after.FitsIn(ce->second->capacity)) {
          placed = ce->second.get();
          break;
        }
      }
      // The host is a limit too: running jobs' memory must fit in its RAM
      // (one job always may run, so a big job on a small host still runs).
      bool host_ok = active_jobs_ == 0 || running_memory_mib_ + need.memory_mib <= host_memory_mib_;
      if (!placed || !host_ok) break;  // first come, first served: the head waits
      placed->used.vcpus += need.vcpus;
      placed->used.memory_mib += need.memory_mib;
      placed->used.gpus += need.gpus;
      running_memory_mib_ += need.memory_mib;
      ++active_jobs_;
      j->compute_env = placed->name;
      j->status = "STARTING";
      j->status_reason.clear();
      AddTimer(now + timing_.step_ms, TimerKind::kAdvance, j);
      it = list.erase(it);
    }
  }
}

void BatchEngine::Release(Job* job) {
  if (job->compute_env.empty()) return;
  const Resources& need = job->spec->needs;
  auto ce = ces_.find(job->compute_env);
  if (ce != ces_.end()) {
    ce->second->used.vcpus -= need.vcpus;
    ce->second->used.memory_mib -= need.memory_mib;
    ce->second->used.gpus -= need.gpus;
  }
  running_memory_mib_ -= need.memory_mib;
  --active_jobs_;
  job->compute_env.clear();
  schedule_dirty_ = true;
}

void BatchEngine::StartAttempt(Job* job, int64_t now) {
  const JobSpec& spec = *job->spec;
  Attempt a;
  a.task_id = NewTaskId();
  a.instance_id = NewInstanceId();
  a.log_stream = spec.stream_prefix + "/default/" + a.task_id;
  a.started_at = NowMillis();
  a.compute_env = job->compute_env;
  job->attempts.push_back(a);
  job->status = "RUNNING";
  if (!job->started_at) job->started_at = a.started_at;
  if (job->parent && !job->parent->started_at) job->parent->started_at = a.started_at;

  fs::path scratch = fs::path(ctx_.data_dir.empty() ? "/tmp/ferry-awsemu" : ctx_.data_dir) / "batch" /
                     (SafeDirName(job->id) + "-" + std::to_string(job->attempts.size()));
  std::error_code ec;
  fs::remove_all(scratch, ec);
  fs::create_directories(scratch, ec);
  job->scratch_dir = scratch.string();

  std::vector<std::pair<std::string, std::string>> env;
  for (const auto& kv : spec.environment) env.push_back(kv);
  auto set = [&](const char* k, const std::string& v) { env.emplace_back(k, v); };
  set("AWS_BATCH_JOB_ID", job->id);
  set("AWS_BATCH_JOB_ATTEMPT", std::to_string(job->attempts.size()));
  set("AWS_BATCH_JQ_NAME", spec.queue);
  set("AWS_BATCH_CE_NAME", job->compute_env);
  if (job->parent) set("AWS_BATCH_JOB_ARRAY_INDEX", std::to_string(job->index));
  set("AWS_DEFAULT_REGION", ctx_.region);
  set("AWS_REGION", ctx_.region);
  set("AWS_ENDPOINT_URL", ctx_.endpoint_url);
  set("AWS_ENDPOINT_URL_S3", ctx_.endpoint_url);
  // The instance's metadata (what a job on EC2 finds at 169.254.169.254)
  // is the emulator's IMDS port.
  if (exec_.imds_port > 0)
    set("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:" + std::to_string(exec_.imds_port));
  else set("AWS_EC2_METADATA_DISABLED", "true");

  JobSpawnSpec spawn;
  std::string err =
      exec_.host_jobs ? HostProcess(*job, std::move(env), &spawn) : ContainerProcess(*job, std::move(env), &spawn);
  uint64_t key = next_run_key_++;
  if (err.empty()) {
    err = runner_.Start(key, spawn);
    if (!err.empty()) err = "CannotStartContainerError: " + err;
  }
  if (!err.empty()) {
    job->attempts.back().reason = err;
    FinishAttempt(job, -1, false, now);
    return;
  }
  job->run_key = key;
  running_[key] = job;
  if (spec.timeout_seconds > 0) AddTimer(now + spec.timeout_seconds * 1000LL, TimerKind::kTimeout, job);
  AddTimer(now, TimerKind::kHostCheck, job);
  // Reclaims as a share of attempts: this one's host goes away 0.2-1 s
  // after it starts, so short and long jobs are hit alike.
  double per_attempt = faults_ ? faults_->attempt_host_termination_probability() : 0;
  if (per_attempt > 0 && faults_->Random() < per_attempt)
    AddTimer(now + 200 + static_cast<int64_t>(faults_->Random() * 800), TimerKind::kHostKill, job);
}

std::string BatchEngine::HostProcess(const Job& job, std::vector<std::pair<std::string, std::string>> env,
                                     JobSpawnSpec* out) {
  SandboxInput sb;
  sb.command = job.spec->command;
  sb.workdir = job.scratch_dir;
  sb.env = BaseEnvironment();
  // HOME is the attempt's scratch directory: nothing of the emulator user's
  // home (~/.aws, caches) leaks into jobs, and what a job keeps there goes
  // with the attempt.
  sb.env.emplace_back("HOME", job.scratch_dir);
  // No shared AWS config either (a job definition may still name one).
  sb.env.emplace_back("AWS_CONFIG_FILE", "/dev/null");
  sb.env.emplace_back("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
  // The job definition's variables, then Batch's, then what a job role
  // would give a real container.
  sb.env.insert(sb.env.end(), env.begin(), env.end());
  sb.env.emplace_back("AWS_ACCESS_KEY_ID", ctx_.access_key);
  sb.env.emplace_back("AWS_SECRET_ACCESS_KEY", ctx_.secret_key);
  sb.mounts = AttemptMounts(*job.spec, job.scratch_dir, false);
  if (!sb.mounts.empty() && !bwrap_probed_) {
    bwrap_ = UsableBwrap();
    bwrap_probed_ = true;
  }
  sb.bwrap_path = bwrap_;
  return BuildSpawnSpec(sb, out);
}

std::string BatchEngine::ContainerProcess(const Job& job, std::vector<std::pair<std::string, std::string>> env,
                                          JobSpawnSpec* out) {
  const ContainerOptions& o = job.spec->container_options;
  if (!exec_.engine)
    return "CannotStartContainerError: ferry-awsemu has no container engine: " + exec_.engine_problem +
           " (start it with --host-jobs to run jobs as host processes)";
  if (o.image.empty()) return "CannotStartContainerError: the job definition names no image";
  if (!o.unsupported.empty())
    return "CannotStartContainerError: ferry-awsemu cannot apply " + ferry::Join(o.unsupported, ", ");
  if (!exec_.engine->HasImage(o.image))
    return "CannotPullContainerError: Error response from daemon: manifest for " + o.image +
           " not found: manifest unknown: the emulator pulls no images (import it with POST /_emu/images or "
           "--image)";
  // The role's credentials come from the ECS endpoint, as in a task; the
  // container shares the host's network, so 127.0.0.1 is the emulator.
  env.emplace_back("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:" + std::to_string(exec_.imds_port) +
                                                             "/v2/credentials/" + job.attempts.back().task_id);
  if (!exec_.ecs_auth_token.empty()) env.emplace_back("AWS_CONTAINER_AUTHORIZATION_TOKEN", exec_.ecs_auth_token);
  ContainerRunInput in;
  in.name = "ferry-" + SafeDirName(job.id) + "-" + std::to_string(job.attempts.size());
  in.options = o;
  in.command = job.spec->command;
  in.mounts = AttemptMounts(*job.spec, job.scratch_dir, true);
  return exec_.engine->PrepareRun(std::move(in), env, job.scratch_dir, out);
}

void BatchEngine::FinishAttempt(Job* job, int exit_code, bool container_exited, int64_t) {
  Attempt& a = job->attempts.back();
  a.stopped_at = NowMillis();
  if (job->run_key) running_.erase(job->run_key);
  job->run_key = 0;
  std::error_code ec;
  if (!job->scratch_dir.empty()) fs::remove_all(job->scratch_dir, ec);
  job->scratch_dir.clear();
  Release(job);
  KillKind kill = job->kill;
  job->kill = KillKind::kNone;

  AttemptOutcome outcome;
  if (kill == KillKind::kHost) {
    a.status_reason = "Host EC2 (instance " + a.instance_id + ") terminated.";
  } else if (!container_exited) {
    // A pull failure is the job's status reason itself (what a user sees
    // first in the console); other start failures say it failed to start
    // and leave the why to container.reason.
    a.status_reason = a.reason.rfind("CannotPullContainerError", 0) == 0 ? a.reason : "Task failed to start";
  } else {
    a.exit_code = exit_code;
    a.status_reason = kill == KillKind::kTimeout ? kTimedOut : kContainerExited;
  }
  outcome.status_reason = a.status_reason;
  outcome.reason = a.reason;
  outcome.exit_code = a.exit_code;

  if (kill == KillKind::kTerminate) {
    Fail(job, job->kill_reason);
  } else if (kill == KillKind::kTimeout) {
    Fail(job, kTimedOut);  // timed-out attempts are not retried
  } else if (kill == KillKind::kNone && container_exited && exit_code == 0) {
    Succeed(job);
  } else if (ShouldRetry(job->spec->retry, static_cast<int>(job->attempts.size()), outcome)) {
    job->status = "RUNNABLE";
    job->status_reason.clear();
    ++job->timer_gen;
    runnable_[job->spec->queue].push_back(job);
    schedule_dirty_ = true;
  } else {
    Fail(job, a.status_reason);
  }
}

void BatchEngine::Succeed(Job* job) {
  job->status = "SUCCEEDED";
  job->status_reason = kContainerExited;
  job->stopped_at = NowMillis();
  ++job->timer_gen;
  OnTerminal(job);
}

void BatchEngine::Fail(Job* job, const std::string& reason) {
  if (job->status == "STARTING") Release(job);
  job->status = "FAILED";
  job->status_reason = reason;
  job->stopped_at = NowMillis();
  ++job->timer_gen;
  OnTerminal(job);
}

void BatchEngine::OnTerminal(Job* job) {
  const int64_t now = SteadyMs();
  for (Job* d : job->dependents)
    if (d->status == "PENDING") AddTimer(now, TimerKind::kAdvance, d);
  if (Job* p = job->parent) {
    if (++p->children_done == static_cast<int>(p->children.size()) && !p->terminal()) {
      bool failed =
          std::any_of(p->children.begin(), p->children.end(), [](const Job* c) { return c->status == "FAILED"; });
      p->status = failed ? "FAILED" : "SUCCEEDED";
      if (failed && !p->kill_reason.empty()) p->status_reason = p->kill_reason;
      p->stopped_at = NowMillis();
      ++p->timer_gen;
      OnTerminal(p);
    }
  }
}

void BatchEngine::CancelOrTerminate(Job* job, const std::string& reason, bool terminate) {
  if (job->terminal()) return;
  if (!job->children.empty()) {
    job->kill_reason = reason;
    for (Job* c : job->children) CancelOrTerminate(c, reason, terminate);
    return;
  }
  const std::string& s = job->status;
  if (s == "SUBMITTED" || s == "PENDING" || s == "RUNNABLE") {
    Fail(job, reason);
  } else if (terminate && s == "STARTING") {
    Fail(job, reason);
  } else if (terminate && s == "RUNNING" && job->kill != KillKind::kTerminate) {
    job->kill = KillKind::kTerminate;
    job->kill_reason = reason;
    pending_signals_.push_back({job->run_key, SIGTERM});
    AddTimer(SteadyMs() + timing_.kill_grace_ms, TimerKind::kEscalate, job);
    runner_.Wake();
  }
  // CancelJob leaves STARTING and RUNNING jobs alone, as AWS does.
}

void BatchEngine::OnTimer(const Timer& t, int64_t now) {
  Job* job = t.job;
  if (t.kind == TimerKind::kAdvance) {
    if (t.gen == job->timer_gen) Advance(job, now);
    return;
  }
  // The other timers belong to one attempt's process.
  if (job->run_key == 0 || t.gen != job->run_key || job->status != "RUNNING") return;
  switch (t.kind) {
    case TimerKind::kHostCheck: {
      double p = faults_ ? faults_->host_termination_probability() : 0;
      if (p > 0 && faults_->Random() < p) {
        AddTimer(now + static_cast<int64_t>(faults_->Random() * timing_.step_ms), TimerKind::kHostKill, job);
      } else {
        AddTimer(now + 1000, TimerKind::kHostCheck, job);  // checked once a second while running
      }
      break;
    }
    case TimerKind::kHostKill:
      if (job->kill == KillKind::kNone) {
        job->kill = KillKind::kHost;
        runner_.Signal(job->run_key, SIGKILL);
      }
      break;
    case TimerKind::kTimeout:
      if (job->kill == KillKind::kNone) {
        job->kill = KillKind::kTimeout;
        runner_.Signal(job->run_key, SIGTERM);
        AddTimer(now + timing_.kill_grace_ms, TimerKind::kEscalate, job);
      }
      break;
    case TimerKind::kEscalate: runner_.Signal(job->run_key, SIGKILL); break;
    default: break;
  }
}

void BatchEngine::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  std::vector<JobRunner::Line> lines;
  std::vector<JobRunner::Exit> exits;
  while (!stop_) {
    int64_t now = SteadyMs();
    for (const auto& [key, sig] : pending_signals_) runner_.Signal(key, sig);
    pending_signals_.clear();
    while (!timers_.empty() && timers_.top().due <= now) {
      Timer t = timers_.top();
      timers_.pop();
      OnTimer(t, now);
    }
    bool hold = faults_ && faults_->hold_runnable();
    if (hold != last_hold_) schedule_dirty_ = true;
    last_hold_ = hold;
    if (schedule_dirty_) Schedule(now);
    int64_t wait = 100;  // also how soon a changed hold_runnable is noticed
    if (!timers_.empty()) wait = std::clamp<int64_t>(timers_.top().due - SteadyMs(), 0, 100);

    lock.unlock();
    lines.clear();
    exits.clear();
    runner_.Poll(static_cast<int>(wait), &lines, &exits);
    lock.lock();

    // Output first, so a job seen as finished has all its lines in Logs.
    std::map<std::pair<std::string, std::string>, std::vector<std::pair<int64_t, std::string>>> batches;
    for (auto& l : lines) {
      auto it = running_.find(l.id);
      if (it == running_.end() || l.text.empty()) continue;  // CloudWatch has no empty events
      Job* j = it->second;
      Attempt& a = j->attempts.back();
      a.last_line = l.text;
      auto& batch = batches[{j->spec->log_group, a.log_stream}];
      // The store is in memory: an attempt's output is capped so that a
      // runaway job cannot exhaust the emulator.
      if (a.log_bytes > kMaxLogBytesPerAttempt) continue;
      a.log_bytes += static_cast<int64_t>(l.text.size()) + 26;  // CloudWatch counts 26 bytes per event
      if (a.log_bytes > kMaxLogBytesPerAttempt)
        l.text = "[ferry-awsemu: this attempt wrote more than 64 MiB; the rest of its output is dropped]";
      batch.emplace_back(l.timestamp_ms, std::move(l.text));
    }
    if (logs_)
      for (auto& [key, events] : batches) logs_->AppendEvents(key.first, key.second, events);
    now = SteadyMs();
    for (const auto& e : exits) {
      auto it = running_.find(e.id);
      if (it == running_.end()) continue;
      Job* j = it->second;
      std::string start_failure = exec_.host_jobs ? "" : StartFailureReason(e.exit_code, j->attempts.back().last_line);
      if (!start_failure.empty()) {
        j->attempts.back().reason = start_failure;
        FinishAttempt(j, -1, false, now);
      } else {
        FinishAttempt(j, e.exit_code, true, now);
      }
    }
  }
}

// ---------------------------------------------------------------- queries

json BatchEngine::DescribeJobs(const json& in) {
  auto it = in.find("jobs");
  if (it == in.end() || !it->is_array()) ThrowClient("jobs is required");
  std::vector<std::string> ids = OptStrList(in, "jobs");
  if (ids.size() > 100) ThrowClient("Maximum number of jobs supported is 100");
  std::lock_guard<std::mutex> lock(mu_);
  json out = {{"jobs", json::array()}};
  for (const std::string& id : ids) {
    // Unknown ids are left out, not errors; ARNs work as ids too.
    std::string key =
        id.rfind("arn:", 0) == 0 && id.find("job/") != std::string::npos ? id.substr(id.find("job/") + 4) : id;
    if (Job* j = FindJob(key)) out["jobs"].push_back(JobView(*j, ctx_.region));
  }
  return out;
}

json BatchEngine::ListJobs(const json& in) {
  std::string queue_ref = OptStr(in, "jobQueue");
  std::string array_id = OptStr(in, "arrayJobId");
  if (!OptStr(in, "multiNodeJobId").empty()) ThrowClient("multiNodeJobId: the emulator runs no multi-node jobs");
  std::string status = OptStr(in, "jobStatus");
  if (!status.empty() && std::find(std::begin(kJobStatuses), std::end(kJobStatuses), status) == std::end(kJobStatuses))
    ThrowClient("jobStatus must be one of SUBMITTED, PENDING, RUNNABLE, STARTING, RUNNING, SUCCEEDED, FAILED");
  // Filters: with them, jobStatus is ignored and every status is listed.
  std::vector<std::pair<std::string, std::string>> filters;
  if (in.contains("filters") && in["filters"].is_array())
    for (const auto& f : in["filters"]) {
      std::string fname = OptStr(f, "name");
      std::vector<std::string> values = OptStrList(f, "values");
      if (values.size() != 1) ThrowClient("filters: each filter takes exactly one value");
      if (fname != "JOB_NAME" && fname != "JOB_DEFINITION" && fname != "BEFORE_CREATED_AT" &&
          fname != "AFTER_CREATED_AT")
        ThrowClient("filters: name must be JOB_NAME, JOB_DEFINITION, BEFORE_CREATED_AT or AFTER_CREATED_AT");
      filters.push_back({fname, values[0]});
    }
  if (filters.empty() && status.empty()) status = "RUNNING";
  if (!filters.empty()) status.clear();

  std::lock_guard<std::mutex> lock(mu_);
  std::vector<const Job*> candidates;
  if (!array_id.empty()) {
    Job* parent = FindJob(array_id);
    if (parent)
      for (const Job* c : parent->children) candidates.push_back(c);
  } else if (!queue_ref.empty()) {
    JobQueue* q = FindQueue(queue_ref);
    if (!q) ThrowClient("JobQueue " + queue_ref + " not found.");
    // Newest first, as AWS sorts them.
    for (auto it = top_jobs_.rbegin(); it != top_jobs_.rend(); ++it)
      if ((*it)->spec->queue == q->name) candidates.push_back(*it);
  } else {
    ThrowClient("Either jobQueue, arrayJobId or multiNodeJobId must be specified");
  }
  std::vector<const Job*> list;
  for (const Job* j : candidates) {
    if (!status.empty() && j->status != status) continue;
    bool keep = true;
    for (const auto& [fname, value] : filters) {
      if (fname == "JOB_NAME") keep = keep && GlobMatches(value, j->spec->name);
      else if (fname == "JOB_DEFINITION")
        keep = keep &&
               (GlobMatches(value, j->spec->job_definition_name) || GlobMatches(value, j->spec->job_definition_arn) ||
                GlobMatches(value, j->spec->job_definition_name + ":" +
                                       j->spec->job_definition_arn.substr(j->spec->job_definition_arn.rfind(':') + 1)));
      else if (fname == "BEFORE_CREATED_AT") keep = keep && j->created_at < std::atoll(value.c_str());
      else if (fname == "AFTER_CREATED_AT") keep = keep && j->created_at > std::atoll(value.c_str());
    }
    if (keep) list.push_back(j);
  }
  return PagedList(in, list, 100, 1000, "jobSummaryList", [&](const Job& j) { return JobSummaryView(j, ctx_.region); });
}

json BatchEngine::StopJob(const json& in, bool terminate) {
  std::string id = ReqStr(in, "jobId");
  std::string reason = ReqStr(in, "reason");
  std::lock_guard<std::mutex> lock(mu_);
  if (Job* j = FindJob(id)) CancelOrTerminate(j, reason, terminate);
  return json::object();
}

json BatchEngine::TerminateJob(const json& in) { return StopJob(in, true); }

json BatchEngine::CancelJob(const json& in) { return StopJob(in, false); }

}  // namespace awsemu
