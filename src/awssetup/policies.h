// The IAM and bucket policy documents of a set-up, each the least a piece
// needs: who may assume each role, what the job role may do with the bucket,
// what a member of the users' group may do (submit and watch Batch jobs,
// register job definitions, read job logs, pass the job role, use the bucket),
// and the bucket policy that refuses requests not sent over TLS. The planner
// compares these with what AWS holds and `--dry-run` prints them. Pure.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "awssetup/setup_spec.h"

namespace ferry::awssetup {

struct NamedPolicy {
  std::string name;  // the inline policy's name
  nlohmann::json document;
};

// Trust policies: ECS tasks assume the job role; EC2 the instance role.
nlohmann::json JobRoleTrust();
nlohmann::json InstanceRoleTrust();
// The job role's one inline policy: the bucket and its objects only.
NamedPolicy JobRoleBucketPolicy(const Desired& d);
// The AWS-managed policy the instances of a compute environment need to join
// its ECS cluster.
std::string InstanceRoleManagedPolicyArn(const Desired& d);
// The users' group: batch, logs, pass-role, bucket (in this order).
std::vector<NamedPolicy> UserGroupPolicies(const Desired& d);
// Deny every request that is not over TLS, to the bucket and its objects.
nlohmann::json TlsOnlyBucketPolicy(const Desired& d);

// True when `have` (a policy document as AWS returns it: JSON text, maybe
// percent-encoded as IAM does) means the same as `want`, whatever the order
// of keys and whether single values are written as one-element lists.
bool SamePolicy(const std::string& have, const nlohmann::json& want);

// Reads a policy document as AWS returns it (JSON text, maybe
// percent-encoded as IAM sends it); false unless it is an object with a
// Statement.
bool ParsePolicyDocument(const std::string& text, nlohmann::json* out);

// The bucket policy a set-up writes: `existing` (the bucket's policy text,
// "" for none) with the TLS-only statement added, so statements the owner
// wrote stay. Sets *has_it when `existing` already holds that statement.
nlohmann::json BucketPolicyWithTlsOnly(const Desired& d, const std::string& existing, bool* has_it);

}  // namespace ferry::awssetup
