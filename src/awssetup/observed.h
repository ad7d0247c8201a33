// What AWS holds of a set-up's resources now: one read-only pass over S3,
// IAM, EC2, Logs and Batch (Observe), giving the planner its "observed"
// side. Absent resources are `exists = false`, never errors; a read that
// fails otherwise (no permission, no network) is the returned error. Reads
// go through aws::AwsApi, so tests observe a fake account.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "aws/api_call.h"
#include "awssetup/setup_spec.h"

namespace ferry::awssetup {

using Tags = std::map<std::string, std::string>;

struct ObservedBucket {
  bool exists = false;
  Tags tags;
  bool blocks_public = false;  // all four public-access-block settings on
  std::string policy;          // "" when there is none
  int expire_days = 0;         // of ferry's enabled expiry rule; 0: none
};

struct ObservedRole {
  bool exists = false;
  std::string arn, path, trust;
  std::map<std::string, std::string> inline_policies;  // name -> document
  std::vector<std::string> attached;                   // managed policy ARNs
  Tags tags;
};

struct ObservedProfile {
  bool exists = false;
  std::vector<std::string> roles;
  Tags tags;
};

struct ObservedGroup {
  bool exists = false;
  std::string path;
  std::map<std::string, std::string> inline_policies;
  std::vector<std::string> users;
};

struct ObservedLaunchTemplate {
  bool exists = false;
  Tags tags;
};

struct ObservedLogGroup {
  bool exists = false;
  int retention_days = 0;  // 0: never expire
  Tags tags;
};

struct ObservedComputeEnv {
  bool exists = false;
  std::string arn, state, status, status_reason, service_role, instance_role, launch_template;
  int max_vcpus = 0;
  Tags tags;
};

struct ObservedQueue {
  bool exists = false;
  std::string arn, state, status, status_reason;
  std::vector<std::string> compute_envs;  // as the queue names them (ARNs)
  Tags tags;
};

struct ObservedJobDefinition {
  bool exists = false;  // an ACTIVE revision
  std::vector<std::string> active_arns;
  // Of the newest ACTIVE revision:
  std::string image, job_role;
  int vcpus = 0, memory_mib = 0, attempts = 0, timeout_seconds = 0;
  Tags tags;
};

// The networking a compute environment gets: the options' or the default
// VPC's. Empty subnets: no default VPC and none given.
struct ObservedNetwork {
  std::string vpc;
  std::vector<std::string> subnets;
  std::string security_group;
};

struct Observed {
  ObservedBucket bucket;
  ObservedRole job_role, instance_role, service_linked_role;
  ObservedProfile instance_profile;
  ObservedGroup group;
  ObservedLaunchTemplate launch_template;
  ObservedLogGroup log_group;
  ObservedComputeEnv compute_env;
  ObservedQueue queue;
  ObservedJobDefinition job_definition;
  ObservedNetwork network;
};

Status Observe(aws::AwsApi& api, const Desired& desired, Observed* out);

// The pieces Observe reads separately, for the waits of the applier.
Status ObserveComputeEnv(aws::AwsApi& api, const std::string& name, ObservedComputeEnv* out);
Status ObserveQueue(aws::AwsApi& api, const std::string& name, ObservedQueue* out);
// The Batch service-linked role (found by its path, whatever its name).
Status ObserveServiceLinkedRole(aws::AwsApi& api, ObservedRole* out);

// A JSON value that is a list, one object or nothing (as XmlToJson gives a
// list of one) as a list.
std::vector<nlohmann::json> AsList(const nlohmann::json& v);

}  // namespace ferry::awssetup
