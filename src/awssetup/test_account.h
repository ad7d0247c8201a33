// Test helpers of the awssetup tests: a desired set-up in a made-up account,
// and the observed state of an account where that set-up is complete (what
// setup would leave), so tests can break one piece of it at a time.
#pragma once

#include "awssetup/observed.h"
#include "awssetup/policies.h"
#include "awssetup/setup_spec.h"

namespace ferry::awssetup {

inline Desired TestDesired(SetupOptions o = {}) {
  o.name = "t1";
  return MakeDesired(o, "123456789012", "eu-west-1");
}

inline Observed EmptyAccount() {
  Observed o;
  o.network.vpc = "vpc-1";
  o.network.subnets = {"subnet-a", "subnet-b"};
  o.network.security_group = "sg-1";
  return o;
}

inline Observed CompleteAccount(const Desired& d) {
  Observed o = EmptyAccount();
  Tags tags = {{kSetupTag, d.options.name}};
  o.bucket = {true, tags, true, TlsOnlyBucketPolicy(d).dump(), d.options.expire_days};
  o.job_role.exists = true;
  o.job_role.trust = JobRoleTrust().dump();
  o.job_role.tags = tags;
  o.job_role.inline_policies["ferry-bucket"] = JobRoleBucketPolicy(d).document.dump();
  o.instance_role.exists = true;
  o.instance_role.trust = InstanceRoleTrust().dump();
  o.instance_role.tags = tags;
  o.instance_role.attached = {InstanceRoleManagedPolicyArn(d)};
  o.service_linked_role.exists = true;
  o.service_linked_role.arn = d.ServiceLinkedRoleArn();
  o.instance_profile = {true, {d.instance_role}, tags};
  o.group.exists = true;
  o.group.path = d.group_path;
  for (const NamedPolicy& p : UserGroupPolicies(d)) o.group.inline_policies[p.name] = p.document.dump();
  o.launch_template = {d.wants_launch_template(), tags};
  o.log_group = {true, 30, tags};
  o.compute_env.exists = true;
  o.compute_env.state = "ENABLED";
  o.compute_env.status = "VALID";
  o.compute_env.max_vcpus = d.options.max_vcpus;
  o.compute_env.tags = tags;
  o.queue.exists = true;
  o.queue.state = "ENABLED";
  o.queue.status = "VALID";
  o.queue.compute_envs = {"arn:aws:batch:eu-west-1:123456789012:compute-environment/" + d.compute_env};
  o.queue.tags = tags;
  auto& j = o.job_definition;
  j.exists = true;
  j.active_arns = {"arn:aws:batch:eu-west-1:123456789012:job-definition/" + d.job_definition + ":1"};
  j.image = d.options.image;
  j.job_role = d.RoleArn(d.job_role);
  j.vcpus = d.options.job_vcpus;
  j.memory_mib = d.options.job_memory_mib;
  j.attempts = 1;
  j.timeout_seconds = 14400;
  j.tags = tags;
  return o;
}

}  // namespace ferry::awssetup
