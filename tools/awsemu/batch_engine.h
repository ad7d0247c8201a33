// BatchEngine: the AWS Batch control plane and scheduler of ferry-awsemu.
// It keeps compute environments, queues, job definitions and jobs, moves
// jobs through SUBMITTED -> PENDING -> RUNNABLE -> STARTING -> RUNNING ->
// SUCCEEDED/FAILED, places them within compute-environment capacity, runs
// them through JobRunner (in their image with a ContainerEngine, or as host
// processes with --host-jobs), applies retry strategies, timeouts and injected
// host terminations, and sends their output to CloudWatch Logs.
//
// Threads: API calls come from HTTP threads and take the one mutex; a single
// worker thread advances timed transitions, starts and reaps processes
// (JobRunner is only touched there) and ships log lines.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <queue>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "awsemu/batch_model.h"
#include "awsemu/job_runner.h"
#include "awsemu/service.h"

namespace awsemu {

class ContainerEngine;
class LogsService;

// How job attempts run.
struct JobExecution {
  // Jobs run as host processes (the command on the host, the image
  // ignored): --host-jobs.
  bool host_jobs = false;
  // Otherwise in their image through this engine; null when no container
  // engine works here, and then every attempt fails to start, saying why.
  ContainerEngine* engine = nullptr;
  std::string engine_problem;
  // The ECS container credentials endpoint jobs in containers get their
  // role's credentials from (on the emulator's IMDS port).
  int imds_port = 0;
  std::string ecs_auth_token;
};

struct BatchTiming {
  // Time between the automatic state changes (SUBMITTED -> PENDING ->
  // RUNNABLE, STARTING -> RUNNING). Environment FERRY_AWSEMU_BATCH_STEP_MS.
  int step_ms = 100;
  // Grace between SIGTERM and SIGKILL when a job is terminated or times out
  // (30 s on AWS). Environment FERRY_AWSEMU_BATCH_KILL_GRACE_MS.
  int kill_grace_ms = 2000;
};

class BatchEngine {
 public:
  using json = nlohmann::json;

  BatchEngine(const EmuContext& ctx, FaultSource* faults, LogsService* logs, BatchTiming timing, JobExecution exec);
  ~BatchEngine();

  // Each operation takes the request body and returns the response body, or
  // throws EmuError (BatchService turns it into the answer).
  json CreateComputeEnvironment(const json& in);
  json UpdateComputeEnvironment(const json& in);
  json DeleteComputeEnvironment(const json& in);
  json DescribeComputeEnvironments(const json& in);
  json CreateJobQueue(const json& in);
  json UpdateJobQueue(const json& in);
  json DeleteJobQueue(const json& in);
  json DescribeJobQueues(const json& in);
  json RegisterJobDefinition(const json& in);
  json DeregisterJobDefinition(const json& in);
  json DescribeJobDefinitions(const json& in);
  json CreateSchedulingPolicy(const json& in);
  json DescribeSchedulingPolicies(const json& in);
  json ListSchedulingPolicies(const json& in);
  json DeleteSchedulingPolicy(const json& in);
  json SubmitJob(const json& in);
  json DescribeJobs(const json& in);
  json ListJobs(const json& in);
  json TerminateJob(const json& in);
  json CancelJob(const json& in);
  // /v1/tags/{resourceArn}: `in` holds "tags" (TagResource) or "tagKeys"
  // (UntagResource); ListTagsForResource needs neither.
  json TagResource(const std::string& arn, const json& in);
  json UntagResource(const std::string& arn, const std::vector<std::string>& keys);
  json ListTagsForResource(const std::string& arn);

  void Reset();
  void Shutdown();

 private:
  enum class TimerKind { kAdvance, kHostCheck, kHostKill, kTimeout, kEscalate };
  struct Timer {
    int64_t due;  // steady ms
    TimerKind kind;
    Job* job;
    uint64_t gen;  // timer_gen for kAdvance, run_key otherwise
    bool operator>(const Timer& o) const { return due > o.due; }
  };
  struct LogBatch {
    std::string group, stream;
    std::vector<std::pair<int64_t, std::string>> events;
  };

  // Registry helpers (batch_registry.cc), mu_ held.
  // Moves compute environments and queues through their timed statuses
  // (batch_lifecycle.h) and forgets deleted ones.
  void SettleControlPlane();
  // The ClientException for a serviceRole or computeResources.instanceRole
  // that IAM does not have; with no serviceRole, the Batch service-linked
  // role is created if missing (as Batch does) and named in *service_role.
  void CheckRoles(const json& computeResources, std::string* service_role);
  ComputeEnv* FindCe(const std::string& name_or_arn);
  JobQueue* FindQueue(const std::string& name_or_arn);
  const JobDefinition* ResolveJobDefinition(const std::string& ref) const;
  // The tag map of the resource an ARN names; throws if there is none.
  json* TagsOf(const std::string& arn);

  // Job lifecycle (batch_engine.cc), mu_ held.
  void Loop();
  void StartWorker();
  void StopWorker();
  void AddTimer(int64_t due, TimerKind kind, Job* job);
  void Advance(Job* job, int64_t now);
  void OnTimer(const Timer& t, int64_t now);
  void Schedule(int64_t now);
  void StartAttempt(Job* job, int64_t now);
  // The process of an attempt whose environment is `env` (set up by
  // StartAttempt): "" or why it cannot start (the container reason).
  std::string HostProcess(const Job& job, std::vector<std::pair<std::string, std::string>> env, JobSpawnSpec* out);
  std::string ContainerProcess(const Job& job, std::vector<std::pair<std::string, std::string>> env, JobSpawnSpec* out);
  void FinishAttempt(Job* job, int exit_code, bool container_exited, int64_t now);
  void Release(Job* job);
  void Fail(Job* job, const std::string& reason);
  void Succeed(Job* job);
  void OnTerminal(Job* job);
  void CancelOrTerminate(Job* job, const std::string& reason, bool terminate);
  // The TerminateJob / CancelJob request: the named job (unknown ids are
  // ignored, as AWS does) with the request's reason.
  json StopJob(const json& in, bool terminate);
  bool CanEverFit(const Job& job) const;
  Job* FindJob(const std::string& id);

  EmuContext ctx_;
  FaultSource* faults_;
  LogsService* logs_;
  BatchTiming timing_;
  JobExecution exec_;

  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<ComputeEnv>> ces_;
  std::map<std::string, std::unique_ptr<JobQueue>> queues_;
  std::map<std::string, std::vector<JobDefinition>> job_defs_;  // name -> revisions in order
  std::map<std::string, SchedulingPolicy> policies_;            // by ARN
  std::unordered_map<std::string, std::unique_ptr<Job>> jobs_;
  std::vector<Job*> top_jobs_;                       // non-child jobs in submission order (ListJobs)
  std::map<std::string, std::list<Job*>> runnable_;  // queue name -> RUNNABLE jobs, FIFO
  std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> timers_;
  std::unordered_map<uint64_t, Job*> running_;             // run_key -> job
  std::vector<std::pair<uint64_t, int>> pending_signals_;  // for the worker: (run_key, signal)
  std::vector<LogBatch> pending_logs_;
  uint64_t next_seq_ = 1;
  uint64_t next_run_key_ = 1;
  bool schedule_dirty_ = false;
  int64_t host_memory_mib_ = 0;
  int64_t running_memory_mib_ = 0;
  int active_jobs_ = 0;  // STARTING + RUNNING
  bool last_hold_ = false;
  std::string bwrap_;  // resolved lazily on the worker
  bool bwrap_probed_ = false;

  JobRunner runner_;  // worker thread only (Wake() excepted)
  bool stop_ = false;
  std::thread worker_;
};

}  // namespace awsemu
