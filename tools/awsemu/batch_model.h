// The state AWS Batch keeps, as ferry-awsemu models it: compute environments,
// job queues, job definitions and jobs (with their attempts). Plain data;
// BatchEngine owns it and guards it with one mutex.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "awsemu/batch_capacity.h"
#include "awsemu/batch_lifecycle.h"
#include "awsemu/batch_retry.h"
#include "awsemu/container_run.h"
#include "awsemu/emu_error.h"
#include "awsemu/job_sandbox.h"

namespace awsemu {

struct ComputeEnv {
  std::string name, arn, uuid;
  std::string type = "MANAGED";
  std::string state = "ENABLED";
  ControlStatus control;             // CREATING -> VALID, ..., DELETED
  nlohmann::json compute_resources;  // as created/updated (null if unmanaged)
  nlohmann::json tags = nlohmann::json::object();
  std::string service_role;
  int unmanaged_vcpus = 0;
  Resources capacity;  // what it can ever give
  Resources used;      // held by STARTING and RUNNING jobs
};

struct JobQueue {
  std::string name, arn;
  std::string state = "ENABLED";
  ControlStatus control;
  int priority = 0;
  std::vector<std::pair<int, std::string>> compute_envs;  // (order, CE name), sorted by order
  nlohmann::json tags = nlohmann::json::object();
  std::string scheduling_policy_arn;
};

// A fair-share scheduling policy (CreateSchedulingPolicy).
struct SchedulingPolicy {
  std::string name, arn;
  nlohmann::json fairshare_policy = nlohmann::json::object();
  nlohmann::json tags = nlohmann::json::object();
};

struct JobDefinition {
  std::string name, arn;
  int revision = 0;
  std::string status = "ACTIVE";
  nlohmann::json body;  // the JobDefinition shape, without "status"
};

// What every attempt of a job (and every child of an array job) shares.
struct JobSpec {
  std::string name;
  std::string queue;  // queue name
  std::string queue_arn;
  std::string job_definition_arn;
  std::string job_definition_name;
  nlohmann::json container;          // ContainerDetail base: image, command, environment, ...
  std::vector<std::string> command;  // after overrides and Ref:: substitution
  std::vector<std::pair<std::string, std::string>> environment;
  std::vector<MountSpec> mounts;
  ContainerOptions container_options;  // image, user, ulimits, linuxParameters, ...
  Resources needs;
  RetryPolicy retry;
  nlohmann::json retry_json;  // as reported back (null if none)
  int timeout_seconds = 0;    // 0 = none
  nlohmann::json parameters = nlohmann::json::object();
  nlohmann::json tags;  // null if none
  bool propagate_tags = false;
  nlohmann::json platform_capabilities;
  std::string share_identifier;      // "" for a queue without a scheduling policy
  int64_t scheduling_priority = -1;  // schedulingPriorityOverride; < 0 none
  std::string log_group = "/aws/batch/job";
  std::string stream_prefix;  // jobDefName or awslogs-stream-prefix
  int array_size = 0;         // > 0 for array parents
  nlohmann::json depends_on = nlohmann::json::array();
};

struct Attempt {
  std::string task_id;
  std::string instance_id;
  std::string log_stream;
  std::string compute_env;
  int64_t started_at = 0;
  int64_t stopped_at = 0;
  std::optional<int> exit_code;
  std::string reason;         // container reason
  std::string status_reason;  // why the attempt ended
  int64_t log_bytes = 0;      // output sent to Logs so far
  std::string last_line;      // the last line of output (podman's error when it could not start the container)
};

enum class KillKind { kNone, kTerminate, kTimeout, kHost };

struct Job {
  std::string id;
  uint64_t seq = 0;  // submission order
  std::shared_ptr<const JobSpec> spec;
  std::string status = "SUBMITTED";
  std::string status_reason;
  int64_t created_at = 0, started_at = 0, stopped_at = 0;
  std::vector<Attempt> attempts;  // the last one is live while RUNNING
  nlohmann::json tags;            // null if none (TagResource may change them)

  Job* parent = nullptr;  // array children
  int index = -1;
  std::vector<Job*> children;
  int children_done = 0;

  std::vector<Job*> deps;        // must all succeed first
  std::vector<Job*> dependents;  // re-checked when this job ends

  // Runtime, valid while STARTING/RUNNING.
  std::string compute_env;
  uint64_t run_key = 0;  // the live process's key in JobRunner (0 = none)
  KillKind kill = KillKind::kNone;
  std::string kill_reason;
  std::string scratch_dir;
  bool misconfigured = false;  // can never fit its queue's CEs
  uint64_t timer_gen = 0;

  bool terminal() const { return status == "SUCCEEDED" || status == "FAILED"; }
};

}  // namespace awsemu
