#include "awssetup/setup_spec.h"

#include <cctype>

namespace ferry::awssetup {

namespace {

bool NameChars(const std::string& s) {
  for (unsigned char c : s)
    if (!std::isalnum(c) && c != '-' && c != '_') return false;
  return true;
}

// S3's rules for a bucket that also works with virtual-host addressing.
std::string BucketProblem(const std::string& b) {
  if (b.size() < 3 || b.size() > 63) return "must be 3 to 63 characters long";
  for (unsigned char c : b)
    if (!std::islower(c) && !std::isdigit(c) && c != '-' && c != '.')
      return "may hold only lower-case letters, digits, '-' and '.'";
  if (!std::isalnum(static_cast<unsigned char>(b.front())) || !std::isalnum(static_cast<unsigned char>(b.back())))
    return "must begin and end with a letter or digit";
  if (b.find("..") != std::string::npos) return "must not hold '..'";
  return "";
}

std::string ToBucketName(std::string s) {
  for (char& c : s) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (c == '_') c = '-';
  }
  return s;
}

}  // namespace

Status CheckSetupOptions(const SetupOptions& o) {
  // 40 leaves room for the longest derived name ("ferry-<name>-instance")
  // within IAM's 64-character role names.
  if (o.name.empty() || o.name.size() > 40 || !NameChars(o.name))
    return Status::Invalid("--name '" + o.name +
                           "' must be 1 to 40 letters, digits, '-' or '_' (it names every resource of the set-up)");
  if (!o.bucket.empty()) {
    std::string why = BucketProblem(o.bucket);
    if (!why.empty()) return Status::Invalid("--bucket '" + o.bucket + "' " + why + " (S3's bucket name rules)");
  }
  if (o.expire_days < 1 || o.expire_days > 3650)
    return Status::Invalid("--expire-days must be a whole number of days from 1 to 3650, got " +
                           std::to_string(o.expire_days));
  if (o.max_vcpus < 1 || o.max_vcpus > 100000)
    return Status::Invalid("--max-vcpus must be from 1 to 100000, got " + std::to_string(o.max_vcpus));
  if (o.disk_gib < 0 || o.disk_gib > 16384)
    return Status::Invalid("--disk must be from 1 GiB to 16384 GiB (a gp3 volume's limits), got " +
                           std::to_string(o.disk_gib) + " GiB");
  if (o.instance_types.empty()) return Status::Invalid("--instance-types needs at least one type (or 'optimal')");
  if (o.image.empty()) return Status::Invalid("--image must name a container image");
  if (o.security_group.empty() != o.subnets.empty())
    return Status::Invalid("--subnets and --security-group go together: give both, or neither to use the default VPC");
  return Status::Ok();
}

Desired MakeDesired(const SetupOptions& options, const std::string& account, const std::string& region) {
  Desired d;
  d.options = options;
  d.account = account;
  d.region = region;
  d.partition = region.rfind("cn-", 0) == 0 ? "aws-cn" : "aws";
  const std::string base = "ferry-" + options.name;
  d.bucket = options.bucket.empty() ? ToBucketName(base + "-" + account) : options.bucket;
  d.job_role = base + "-job";
  d.instance_role = base + "-instance";
  d.instance_profile = base + "-instance";
  d.group = base + "-users";
  d.group_path = "/ferry/";
  d.compute_env = base;
  d.queue = base;
  d.job_definition = base;
  d.launch_template = base;
  return d;
}

std::string Desired::RoleArn(const std::string& role) const {
  return "arn:" + partition + ":iam::" + account + ":role/" + role;
}

std::string Desired::InstanceProfileArn() const {
  return "arn:" + partition + ":iam::" + account + ":instance-profile/" + instance_profile;
}

std::string Desired::ServiceLinkedRoleArn() const {
  return "arn:" + partition + ":iam::" + account + ":role/aws-service-role/batch.amazonaws.com/" + service_linked_role;
}

std::string Desired::BucketArn() const { return "arn:" + partition + ":s3:::" + bucket; }

}  // namespace ferry::awssetup
