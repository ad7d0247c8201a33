// What `ferry aws setup` is asked for (SetupOptions, from the command line)
// and everything that follows from it once the account and region are known
// (Desired): the name of every resource, their ARNs, the tag that marks them
// as this set-up's, and the checks on the options. Pure: no I/O.
#pragma once

#include <string>
#include <vector>

#include "util/status.h"

namespace ferry::awssetup {

// The tag every resource of a set-up carries; its value is the set-up's name.
inline constexpr const char* kSetupTag = "ferry:setup";

struct SetupOptions {
  std::string name = "ferry";
  std::string bucket;  // empty: ferry-<name>-<account>
  int expire_days = 30;
  int max_vcpus = 16;
  std::vector<std::string> instance_types = {"optimal"};
  bool spot = false;
  int disk_gib = 0;  // 0: no launch template (unless nvme)
  bool nvme = false;
  std::string image = "public.ecr.aws/docker/library/ubuntu:24.04";
  // The job definition's size: what a `ferry build` job gets unless it asks.
  int job_vcpus = 2;
  int job_memory_mib = 4096;
  std::vector<std::string> subnets;  // empty: the default VPC's
  std::string security_group;        // empty: the default VPC's default group
};

struct Desired {
  SetupOptions options;
  std::string account, region, partition;
  std::string bucket;
  std::string job_role, instance_role, instance_profile, group, group_path;
  std::string compute_env, queue, job_definition, launch_template;
  std::string log_group = "/aws/batch/job";
  std::string service_linked_role = "AWSServiceRoleForBatch";

  std::string RoleArn(const std::string& role) const;
  std::string InstanceProfileArn() const;
  std::string ServiceLinkedRoleArn() const;
  std::string BucketArn() const;
  bool wants_launch_template() const { return options.disk_gib > 0 || options.nvme; }
};

// Invalid, naming the option and the rule, for a bad name, bucket name,
// count or size.
Status CheckSetupOptions(const SetupOptions& options);

// The resource names of set-up `options.name` in `account`/`region`.
Desired MakeDesired(const SetupOptions& options, const std::string& account, const std::string& region);

}  // namespace ferry::awssetup
