#include "awssetup/planner.h"

#include <algorithm>

#include "aws/crypto.h"
#include "awssetup/policies.h"

namespace ferry::awssetup {

namespace {

using aws::ApiCall;
using nlohmann::json;

constexpr int kJobAttempts = 1;
constexpr int kJobTimeoutSeconds = 4 * 3600;
const char* const kLifecycleRuleId = "ferry-expire";

bool Ours(const Tags& tags, const Desired& d) {
  auto it = tags.find(kSetupTag);
  return it != tags.end() && it->second == d.options.name;
}

json IamTags(const Desired& d) { return json::array({{{"Key", kSetupTag}, {"Value", d.options.name}}}); }
json MapTags(const Desired& d) { return {{kSetupTag, d.options.name}}; }

Step Make(std::string piece, std::string resource) {
  Step s;
  s.piece = std::move(piece);
  s.resource = std::move(resource);
  return s;
}

void Keep(Step* s, std::string why) {
  s->action = Action::kKeep;
  s->reason = std::move(why);
}

bool Contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// The queue names its compute environments by ARN; the name is the ARN's end.
bool NamesComputeEnv(const std::vector<std::string>& refs, const std::string& name) {
  for (const std::string& r : refs)
    if (r == name ||
        (r.size() > name.size() && r.compare(r.size() - name.size() - 1, std::string::npos, "/" + name) == 0))
      return true;
  return false;
}

void PlanBucket(const Desired& d, const Observed& o, std::vector<Step>* steps) {
  const ObservedBucket& b = o.bucket;
  Step create = Make("bucket", d.bucket);
  if (b.exists) {
    Keep(&create, "exists");
  } else {
    create.action = Action::kCreate;
    create.reason = "missing";
    json p = {{"Bucket", d.bucket}};
    // us-east-1 is S3's default location and must not be named.
    if (d.region != "us-east-1") p["CreateBucketConfiguration"] = {{"LocationConstraint", d.region}};
    create.calls.push_back({"s3", "CreateBucket", p});
    create.fix = "aws s3api create-bucket --bucket " + d.bucket;
  }
  steps->push_back(create);

  Step tags = Make("bucket tag", d.bucket);
  if (Ours(b.tags, d)) {
    Keep(&tags, std::string(kSetupTag) + "=" + d.options.name);
  } else {
    tags.action = b.exists ? Action::kChange : Action::kCreate;
    tags.reason = "no " + std::string(kSetupTag) + "=" + d.options.name + " tag";
    Tags all = b.tags;  // PutBucketTagging replaces the set: keep the owner's tags
    all[kSetupTag] = d.options.name;
    json set = json::array();
    for (const auto& [k, v] : all) set.push_back({{"Key", k}, {"Value", v}});
    tags.calls.push_back({"s3", "PutBucketTagging", {{"Bucket", d.bucket}, {"Tagging", {{"TagSet", set}}}}});
  }
  steps->push_back(tags);

  Step block = Make("bucket public access block", d.bucket);
  if (b.blocks_public) {
    Keep(&block, "all public access blocked");
  } else {
    block.action = b.exists ? Action::kChange : Action::kCreate;
    block.reason = b.exists ? "public access is not fully blocked" : "missing";
    block.fix = "aws s3api put-public-access-block --bucket " + d.bucket +
                " --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,"
                "BlockPublicPolicy=true,RestrictPublicBuckets=true";
    json cfg = {{"BlockPublicAcls", true},
                {"IgnorePublicAcls", true},
                {"BlockPublicPolicy", true},
                {"RestrictPublicBuckets", true}};
    block.calls.push_back(
        {"s3", "PutPublicAccessBlock", {{"Bucket", d.bucket}, {"PublicAccessBlockConfiguration", cfg}}});
  }
  steps->push_back(block);

  Step policy = Make("bucket policy (TLS only)", d.bucket);
  bool has_it = false;
  json merged = BucketPolicyWithTlsOnly(d, b.policy, &has_it);
  policy.document = merged;
  if (has_it) {
    Keep(&policy, "requests without TLS are denied");
  } else {
    policy.action = b.policy.empty() ? Action::kCreate : Action::kChange;
    policy.reason = b.policy.empty() ? "missing" : "the policy lacks the statement denying requests without TLS";
    policy.fix = "aws s3api put-bucket-policy --bucket " + d.bucket + " --policy '" + merged.dump() + "'";
    policy.calls.push_back({"s3", "PutBucketPolicy", {{"Bucket", d.bucket}, {"Policy", merged.dump()}}});
  }
  steps->push_back(policy);

  Step rule = Make("bucket lifecycle rule", d.bucket);
  int days = d.options.expire_days;
  if (b.expire_days == days) {
    Keep(&rule, "objects expire after " + std::to_string(days) + " days");
  } else {
    rule.action = b.expire_days == 0 && !b.exists ? Action::kCreate : Action::kChange;
    rule.reason = b.expire_days == 0
                      ? "missing: objects never expire"
                      : "objects expire after " + std::to_string(b.expire_days) + " days, not " + std::to_string(days);
    json r = {{"ID", kLifecycleRuleId},
              {"Status", "Enabled"},
              {"Filter", {{"Prefix", ""}}},
              {"Expiration", {{"Days", days}}},
              {"AbortIncompleteMultipartUpload", {{"DaysAfterInitiation", std::min(days, 7)}}}};
    json cfg = {{"Rules", json::array({r})}};
    rule.fix = "aws s3api put-bucket-lifecycle-configuration --bucket " + d.bucket + " --lifecycle-configuration '" +
               cfg.dump() + "'";
    rule.calls.push_back(
        {"s3", "PutBucketLifecycleConfiguration", {{"Bucket", d.bucket}, {"LifecycleConfiguration", cfg}}});
  }
  steps->push_back(rule);
}

// A role ferry owns: created with its trust policy and tag, the trust put
// right when it differs.
Step RoleStep(const std::string& piece, const std::string& name, const json& trust, const std::string& description,
              const ObservedRole& r, const Desired& d) {
  Step s = Make(piece, name);
  s.document = trust;
  if (!r.exists) {
    s.action = Action::kCreate;
    s.reason = "missing";
    s.calls.push_back({"iam",
                       "CreateRole",
                       {{"RoleName", name},
                        {"AssumeRolePolicyDocument", trust.dump()},
                        {"Description", description},
                        {"Tags", IamTags(d)}}});
    return s;
  }
  std::vector<std::string> wrong;
  if (!SamePolicy(r.trust, trust)) {
    wrong.push_back("its trust policy differs");
    s.calls.push_back({"iam", "UpdateAssumeRolePolicy", {{"RoleName", name}, {"PolicyDocument", trust.dump()}}});
  }
  if (!Ours(r.tags, d)) {
    wrong.push_back("no " + std::string(kSetupTag) + " tag");
    s.calls.push_back({"iam", "TagRole", {{"RoleName", name}, {"Tags", IamTags(d)}}});
  }
  if (wrong.empty()) {
    Keep(&s, "exists");
  } else {
    s.action = Action::kChange;
    for (size_t i = 0; i < wrong.size(); i++) s.reason += (i ? ", " : "") + wrong[i];
  }
  return s;
}

Step InlinePolicyStep(const std::string& piece, const std::string& owner_kind, const std::string& owner,
                      const NamedPolicy& p, const std::map<std::string, std::string>& have, bool owner_exists) {
  Step s = Make(piece, owner + "/" + p.name);
  s.document = p.document;
  auto it = have.find(p.name);
  if (it != have.end() && SamePolicy(it->second, p.document)) {
    Keep(&s, "as wanted");
    return s;
  }
  s.action = it == have.end() && !owner_exists ? Action::kCreate : Action::kChange;
  s.reason = it == have.end() ? "missing" : "differs from the policy ferry needs";
  std::string op = owner_kind == "role" ? "PutRolePolicy" : "PutGroupPolicy";
  std::string key = owner_kind == "role" ? "RoleName" : "GroupName";
  s.calls.push_back({"iam", op, {{key, owner}, {"PolicyName", p.name}, {"PolicyDocument", p.document.dump()}}});
  s.fix = "aws iam " +
          std::string(owner_kind == "role" ? "put-role-policy --role-name " : "put-group-policy --group-name ") +
          owner + " --policy-name " + p.name + " --policy-document '" + p.document.dump() + "'";
  return s;
}

// A piece that is right once it exists.
Step CreateIfMissing(const std::string& piece, const std::string& name, bool exists, const std::string& why,
                     ApiCall create) {
  Step s = Make(piece, name);
  if (exists) {
    Keep(&s, "exists");
  } else {
    s.action = Action::kCreate;
    s.reason = why;
    s.calls.push_back(std::move(create));
  }
  return s;
}

void PlanIam(const Desired& d, const Observed& o, std::vector<Step>* steps) {
  steps->push_back(
      RoleStep("job role", d.job_role, JobRoleTrust(), "ferry Batch jobs: access to " + d.bucket, o.job_role, d));
  steps->push_back(InlinePolicyStep("job role policy", "role", d.job_role, JobRoleBucketPolicy(d),
                                    o.job_role.inline_policies, o.job_role.exists));
  steps->push_back(RoleStep("instance role", d.instance_role, InstanceRoleTrust(),
                            "ferry Batch instances of set-up " + d.options.name, o.instance_role, d));

  Step ecs = Make("instance role ECS policy", d.instance_role);
  std::string managed = InstanceRoleManagedPolicyArn(d);
  if (Contains(o.instance_role.attached, managed)) {
    Keep(&ecs, "attached");
  } else {
    ecs.action = o.instance_role.exists ? Action::kChange : Action::kCreate;
    ecs.reason = managed + " not attached";
    ecs.calls.push_back({"iam", "AttachRolePolicy", {{"RoleName", d.instance_role}, {"PolicyArn", managed}}});
  }
  steps->push_back(ecs);

  Step profile = Make("instance profile", d.instance_profile);
  if (!o.instance_profile.exists) {
    profile.action = Action::kCreate;
    profile.reason = "missing";
    profile.calls.push_back(
        {"iam", "CreateInstanceProfile", {{"InstanceProfileName", d.instance_profile}, {"Tags", IamTags(d)}}});
  }
  if (!Contains(o.instance_profile.roles, d.instance_role)) {
    if (profile.action == Action::kKeep) {
      profile.action = Action::kChange;
      profile.reason = "does not hold role " + d.instance_role;
    }
    profile.calls.push_back({"iam",
                             "AddRoleToInstanceProfile",
                             {{"InstanceProfileName", d.instance_profile}, {"RoleName", d.instance_role}}});
  }
  if (profile.calls.empty()) Keep(&profile, "holds role " + d.instance_role);
  steps->push_back(profile);

  steps->push_back(CreateIfMissing("Batch service-linked role", d.service_linked_role, o.service_linked_role.exists,
                                   "missing (AWS Batch manages compute environments with it)",
                                   {"iam", "CreateServiceLinkedRole", {{"AWSServiceName", "batch.amazonaws.com"}}}));
  // IAM groups take no tags: the path marks the group as ferry's.
  steps->push_back(CreateIfMissing("users' group", d.group, o.group.exists, "missing",
                                   {"iam", "CreateGroup", {{"GroupName", d.group}, {"Path", d.group_path}}}));
  for (const NamedPolicy& p : UserGroupPolicies(d))
    steps->push_back(
        InlinePolicyStep("users' group policy", "group", d.group, p, o.group.inline_policies, o.group.exists));
}

// Docker's storage on the instance stores (NVMe) of the instance, as user
// data the ECS-optimized Amazon Linux 2 AMI runs at boot (MIME multi-part,
// which launch templates of Batch require).
std::string NvmeUserData() {
  return "MIME-Version: 1.0\n"
         "Content-Type: multipart/mixed; boundary=\"==FERRY==\"\n\n"
         "--==FERRY==\n"
         "Content-Type: text/cloud-boothook; charset=\"us-ascii\"\n\n"
         "#!/bin/bash\n"
         "set -e\n"
         "disks=$(lsblk -dpno NAME,MODEL | awk '/Instance Storage/ {print $1}')\n"
         "[ -n \"$disks\" ] || exit 0\n"
         "n=$(echo $disks | wc -w)\n"
         "if [ \"$n\" -gt 1 ]; then yum -y -q install mdadm; mdadm --create /dev/md0 --level=0 --force "
         "--raid-devices=$n $disks; dev=/dev/md0; else dev=$disks; fi\n"
         "mkfs.xfs -f $dev\n"
         "systemctl stop docker || true\n"
         "mkdir -p /var/lib/docker && mount $dev /var/lib/docker\n"
         "systemctl start docker || true\n\n"
         "--==FERRY==--\n";
}

void PlanLaunchTemplate(const Desired& d, const Observed& o, std::vector<Step>* steps) {
  if (!d.wants_launch_template()) return;
  Step s = Make("launch template", d.launch_template);
  if (o.launch_template.exists) {
    Keep(&s, "exists (its versions are not compared; teardown and setup again to change the disk)");
    steps->push_back(s);
    return;
  }
  s.action = Action::kCreate;
  s.reason = "missing";
  json data = {{"EbsOptimized", true}};
  if (d.options.disk_gib > 0)
    data["BlockDeviceMappings"] = json::array(
        {{{"DeviceName", "/dev/xvda"},
          {"Ebs", {{"VolumeSize", d.options.disk_gib}, {"VolumeType", "gp3"}, {"DeleteOnTermination", true}}}}});
  if (d.options.nvme) data["UserData"] = aws::Base64Encode(NvmeUserData());
  s.calls.push_back(
      {"ec2",
       "CreateLaunchTemplate",
       {{"LaunchTemplateName", d.launch_template},
        {"LaunchTemplateData", data},
        {"TagSpecifications", json::array({{{"ResourceType", "launch-template"}, {"Tags", IamTags(d)}}})}}});
  steps->push_back(s);
}

void PlanLogGroup(const Desired& d, const Observed& o, std::vector<Step>* steps) {
  Step s = Make("log group", d.log_group);
  int days = LogRetentionDays(d.options.expire_days);
  if (!o.log_group.exists) {
    s.action = Action::kCreate;
    s.reason = "missing";
    s.calls.push_back({"logs", "CreateLogGroup", {{"logGroupName", d.log_group}, {"tags", MapTags(d)}}});
  }
  if (o.log_group.retention_days != days) {
    if (s.action == Action::kKeep) {
      s.action = Action::kChange;
      s.reason = o.log_group.retention_days == 0
                     ? "events never expire"
                     : "events expire after " + std::to_string(o.log_group.retention_days) + " days";
    }
    s.reason += "; retention will be " + std::to_string(days) + " days";
    s.calls.push_back({"logs", "PutRetentionPolicy", {{"logGroupName", d.log_group}, {"retentionInDays", days}}});
    s.fix = "aws logs put-retention-policy --log-group-name " + d.log_group + " --retention-in-days " +
            std::to_string(days);
  }
  if (s.calls.empty()) Keep(&s, "events expire after " + std::to_string(days) + " days");
  steps->push_back(s);
}

Status PlanComputeEnv(const Desired& d, const Observed& o, std::vector<Step>* steps) {
  const ObservedComputeEnv& ce = o.compute_env;
  Step s = Make("compute environment", d.compute_env);
  s.wait = Wait::kComputeEnvValid;
  int max = d.options.max_vcpus;
  if (!ce.exists) {
    if (o.network.subnets.empty() || o.network.security_group.empty())
      return Status::Failed("the account has no default VPC in " + d.region +
                            " to put the compute environment in: name its network with --subnets SUBNET,... "
                            "--security-group GROUP");
    s.action = Action::kCreate;
    s.reason = "missing";
    json cr = {{"type", d.options.spot ? "SPOT" : "EC2"},
               {"allocationStrategy", d.options.spot ? "SPOT_CAPACITY_OPTIMIZED" : "BEST_FIT_PROGRESSIVE"},
               {"minvCpus", 0},
               {"maxvCpus", max},
               {"desiredvCpus", 0},
               {"instanceTypes", d.options.instance_types},
               {"subnets", o.network.subnets},
               {"securityGroupIds", {o.network.security_group}},
               {"instanceRole", d.InstanceProfileArn()},
               {"tags", MapTags(d)}};
    if (d.wants_launch_template())
      cr["launchTemplate"] = {{"launchTemplateName", d.launch_template}, {"version", "$Default"}};
    s.calls.push_back({"batch",
                       "CreateComputeEnvironment",
                       {{"computeEnvironmentName", d.compute_env},
                        {"type", "MANAGED"},
                        {"state", "ENABLED"},
                        {"serviceRole", o.service_linked_role.exists ? o.service_linked_role.arn
                                                                     : std::string(kServiceRolePlaceholder)},
                        {"computeResources", cr},
                        {"tags", MapTags(d)}}});
    steps->push_back(s);
    return Status::Ok();
  }
  std::vector<std::string> wrong;
  json update = {{"computeEnvironment", d.compute_env}};
  if (ce.state != "ENABLED") {
    wrong.push_back("it is " + ce.state + " (no job of the queue can start)");
    update["state"] = "ENABLED";
  }
  if (ce.max_vcpus != max) {
    std::string w = "at most " + std::to_string(ce.max_vcpus) + " vCPUs, not " + std::to_string(max);
    int need = std::max(o.job_definition.vcpus, d.options.job_vcpus);
    if (ce.max_vcpus < need)
      w += ": a job of " + std::to_string(need) + " vCPUs (the job definition's) can never start and stays RUNNABLE";
    wrong.push_back(w);
    update["computeResources"] = {{"maxvCpus", max}};
  }
  if (!wrong.empty()) {
    s.action = Action::kChange;
    for (size_t i = 0; i < wrong.size(); i++) s.reason += (i ? "; " : "") + wrong[i];
    s.calls.push_back({"batch", "UpdateComputeEnvironment", update});
    s.fix = "aws batch update-compute-environment --compute-environment " + d.compute_env +
            (update.contains("state") ? " --state ENABLED" : "") +
            (update.contains("computeResources") ? " --compute-resources maxvCpus=" + std::to_string(max) : "");
  } else if (ce.status == "INVALID") {
    s.action = Action::kBroken;
    s.reason =
        "INVALID: " + ce.status_reason + " (run ferry aws teardown --name " + d.options.name + ", then setup again)";
  } else {
    Keep(&s, ce.state + ", " + ce.status + ", up to " + std::to_string(ce.max_vcpus) + " vCPUs");
  }
  steps->push_back(s);
  return Status::Ok();
}

void PlanQueue(const Desired& d, const Observed& o, std::vector<Step>* steps) {
  const ObservedQueue& q = o.queue;
  Step s = Make("job queue", d.queue);
  s.wait = Wait::kQueueValid;
  json order = json::array({{{"order", 1}, {"computeEnvironment", d.compute_env}}});
  if (!q.exists) {
    s.action = Action::kCreate;
    s.reason = "missing";
    s.calls.push_back({"batch",
                       "CreateJobQueue",
                       {{"jobQueueName", d.queue},
                        {"state", "ENABLED"},
                        {"priority", 1},
                        {"computeEnvironmentOrder", order},
                        {"tags", MapTags(d)}}});
    steps->push_back(s);
    return;
  }
  std::vector<std::string> wrong;
  json update = {{"jobQueue", d.queue}};
  if (q.state != "ENABLED") {
    wrong.push_back("it is " + q.state + ": jobs sent to it wait for ever");
    update["state"] = "ENABLED";
  }
  if (!NamesComputeEnv(q.compute_envs, d.compute_env)) {
    wrong.push_back("it does not use compute environment " + d.compute_env);
    update["computeEnvironmentOrder"] = order;
  }
  if (wrong.empty()) {
    Keep(&s, q.state + ", on " + d.compute_env);
  } else {
    s.action = Action::kChange;
    for (size_t i = 0; i < wrong.size(); i++) s.reason += (i ? "; " : "") + wrong[i];
    s.calls.push_back({"batch", "UpdateJobQueue", update});
    s.fix = "aws batch update-job-queue --job-queue " + d.queue + (update.contains("state") ? " --state ENABLED" : "") +
            (update.contains("computeEnvironmentOrder")
                 ? " --compute-environment-order order=1,computeEnvironment=" + d.compute_env
                 : "");
  }
  steps->push_back(s);
}

void PlanJobDefinition(const Desired& d, const Observed& o, std::vector<Step>* steps) {
  const ObservedJobDefinition& j = o.job_definition;
  Step s = Make("job definition", d.job_definition);
  std::string role = d.RoleArn(d.job_role);
  std::vector<std::string> wrong;
  if (j.exists) {
    if (j.image != d.options.image) wrong.push_back("image " + j.image + ", not " + d.options.image);
    if (j.job_role != role) wrong.push_back("job role " + (j.job_role.empty() ? "none" : j.job_role));
    if (j.vcpus != d.options.job_vcpus || j.memory_mib != d.options.job_memory_mib)
      wrong.push_back(std::to_string(j.vcpus) + " vCPUs and " + std::to_string(j.memory_mib) + " MiB, not " +
                      std::to_string(d.options.job_vcpus) + " and " + std::to_string(d.options.job_memory_mib));
    if (j.attempts != kJobAttempts) wrong.push_back(std::to_string(j.attempts) + " attempts, not 1");
    if (j.timeout_seconds != kJobTimeoutSeconds) wrong.push_back("no 4-hour timeout");
    if (wrong.empty()) {
      Keep(&s, d.options.image + ", " + std::to_string(j.vcpus) + " vCPUs, " + std::to_string(j.memory_mib) + " MiB");
      steps->push_back(s);
      return;
    }
  }
  s.action = j.exists ? Action::kChange : Action::kCreate;
  if (!j.exists) s.reason = "missing";
  for (size_t i = 0; i < wrong.size(); i++) s.reason += (i ? "; " : "") + wrong[i];
  if (j.exists) s.reason += " (a new revision will be registered)";
  json container = {{"image", d.options.image},
                    {"command", json::array()},
                    {"jobRoleArn", role},
                    {"resourceRequirements",
                     json::array({{{"type", "VCPU"}, {"value", std::to_string(d.options.job_vcpus)}},
                                  {{"type", "MEMORY"}, {"value", std::to_string(d.options.job_memory_mib)}}})}};
  s.calls.push_back({"batch",
                     "RegisterJobDefinition",
                     {{"jobDefinitionName", d.job_definition},
                      {"type", "container"},
                      {"containerProperties", container},
                      {"retryStrategy", {{"attempts", kJobAttempts}}},
                      {"timeout", {{"attemptDurationSeconds", kJobTimeoutSeconds}}},
                      {"propagateTags", true},
                      {"tags", MapTags(d)}}});
  steps->push_back(s);
}

// Teardown of one role: what is attached first, then the role.
Step DeleteRoleStep(const std::string& piece, const std::string& name, const ObservedRole& r) {
  Step s = Make(piece, name);
  s.action = Action::kDelete;
  s.reason = "tagged for this set-up";
  for (const std::string& arn : r.attached)
    s.calls.push_back({"iam", "DetachRolePolicy", {{"RoleName", name}, {"PolicyArn", arn}}});
  for (const auto& [policy, doc] : r.inline_policies)
    s.calls.push_back({"iam", "DeleteRolePolicy", {{"RoleName", name}, {"PolicyName", policy}}});
  s.calls.push_back({"iam", "DeleteRole", {{"RoleName", name}}});
  return s;
}

Step Kept(const std::string& piece, const std::string& name, const std::string& why) {
  Step s = Make(piece, name);
  Keep(&s, why);
  return s;
}

// Batch deletes a queue or compute environment only once it is DISABLED.
struct BatchResource {
  const char* piece;
  const char* article;  // "a queue"
  const char* update_op;
  const char* delete_op;
  const char* key;
  Wait disabled, gone;
};

void DisableThenDelete(const BatchResource& r, const std::string& name, const std::string& state,
                       std::vector<Step>* steps) {
  if (state != "DISABLED") {
    Step s = Make(std::string(r.piece) + " (disable)", name);
    s.action = Action::kDelete;
    s.reason = std::string(r.article) + " is disabled before it is deleted";
    s.calls.push_back({"batch", r.update_op, {{r.key, name}, {"state", "DISABLED"}}});
    s.wait = r.disabled;
    steps->push_back(s);
  }
  Step s = Make(r.piece, name);
  s.action = Action::kDelete;
  s.reason = "tagged for this set-up";
  s.calls.push_back({"batch", r.delete_op, {{r.key, name}}});
  s.wait = r.gone;
  steps->push_back(s);
}

}  // namespace

int LogRetentionDays(int days) {
  static const int kAllowed[] = {1,   3,   5,   7,   14,   30,   60,   90,   120,  150,  180,
                                 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653};
  for (int a : kAllowed)
    if (a >= days) return a;
  return 3653;
}

Status PlanSetup(const Desired& d, const Observed& o, Plan* out) {
  out->steps.clear();
  PlanBucket(d, o, &out->steps);
  PlanIam(d, o, &out->steps);
  PlanLaunchTemplate(d, o, &out->steps);
  PlanLogGroup(d, o, &out->steps);
  FERRY_RETURN_IF_ERROR(PlanComputeEnv(d, o, &out->steps));
  PlanQueue(d, o, &out->steps);
  PlanJobDefinition(d, o, &out->steps);
  return Status::Ok();
}

Plan PlanTeardown(const Desired& d, const Observed& o, bool delete_data) {
  Plan p;
  auto& steps = p.steps;
  const std::string not_ours = "not tagged for this set-up: left alone";
  if (o.job_definition.exists && Ours(o.job_definition.tags, d)) {
    Step s = Make("job definition", d.job_definition);
    s.action = Action::kDelete;
    s.reason = "tagged for this set-up";
    for (const std::string& arn : o.job_definition.active_arns)
      s.calls.push_back({"batch", "DeregisterJobDefinition", {{"jobDefinition", arn}}});
    steps.push_back(s);
  }
  if (o.queue.exists && Ours(o.queue.tags, d))
    DisableThenDelete({"job queue", "a queue", "UpdateJobQueue", "DeleteJobQueue", "jobQueue", Wait::kQueueDisabled,
                       Wait::kQueueGone},
                      d.queue, o.queue.state, &steps);
  else if (o.queue.exists) steps.push_back(Kept("job queue", d.queue, not_ours));
  if (o.compute_env.exists && Ours(o.compute_env.tags, d))
    DisableThenDelete(
        {"compute environment", "a compute environment", "UpdateComputeEnvironment", "DeleteComputeEnvironment",
         "computeEnvironment", Wait::kComputeEnvDisabled, Wait::kComputeEnvGone},
        d.compute_env, o.compute_env.state, &steps);
  else if (o.compute_env.exists) steps.push_back(Kept("compute environment", d.compute_env, not_ours));
  if (o.launch_template.exists && Ours(o.launch_template.tags, d)) {
    Step s = Make("launch template", d.launch_template);
    s.action = Action::kDelete;
    s.reason = "tagged for this set-up";
    s.calls.push_back({"ec2", "DeleteLaunchTemplate", {{"LaunchTemplateName", d.launch_template}}});
    steps.push_back(s);
  }
  if (o.instance_profile.exists && Ours(o.instance_profile.tags, d)) {
    Step s = Make("instance profile", d.instance_profile);
    s.action = Action::kDelete;
    s.reason = "tagged for this set-up";
    for (const std::string& role : o.instance_profile.roles)
      s.calls.push_back(
          {"iam", "RemoveRoleFromInstanceProfile", {{"InstanceProfileName", d.instance_profile}, {"RoleName", role}}});
    s.calls.push_back({"iam", "DeleteInstanceProfile", {{"InstanceProfileName", d.instance_profile}}});
    steps.push_back(s);
  }
  if (o.instance_role.exists && Ours(o.instance_role.tags, d))
    steps.push_back(DeleteRoleStep("instance role", d.instance_role, o.instance_role));
  else if (o.instance_role.exists) steps.push_back(Kept("instance role", d.instance_role, not_ours));
  if (o.job_role.exists && Ours(o.job_role.tags, d))
    steps.push_back(DeleteRoleStep("job role", d.job_role, o.job_role));
  else if (o.job_role.exists) steps.push_back(Kept("job role", d.job_role, not_ours));
  if (o.group.exists && o.group.path == d.group_path) {
    Step s = Make("users' group", d.group);
    s.action = Action::kDelete;
    s.reason = "made by ferry (path " + d.group_path + ")";
    for (const std::string& u : o.group.users)
      s.calls.push_back({"iam", "RemoveUserFromGroup", {{"GroupName", d.group}, {"UserName", u}}});
    for (const auto& [policy, doc] : o.group.inline_policies)
      s.calls.push_back({"iam", "DeleteGroupPolicy", {{"GroupName", d.group}, {"PolicyName", policy}}});
    s.calls.push_back({"iam", "DeleteGroup", {{"GroupName", d.group}}});
    steps.push_back(s);
  }
  if (o.service_linked_role.exists)
    steps.push_back(Kept("Batch service-linked role", d.service_linked_role,
                         "kept: every compute environment of the account uses it"));
  if (o.log_group.exists && Ours(o.log_group.tags, d)) {
    if (delete_data) {
      Step s = Make("log group", d.log_group);
      s.action = Action::kDelete;
      s.reason = "tagged for this set-up, and --delete-data";
      s.calls.push_back({"logs", "DeleteLogGroup", {{"logGroupName", d.log_group}}});
      steps.push_back(s);
    } else {
      steps.push_back(Kept("log group", d.log_group, "kept: it holds the jobs' logs (--delete-data removes it)"));
    }
  }
  if (o.bucket.exists && Ours(o.bucket.tags, d)) {
    if (delete_data) {
      Step s = Make("bucket", d.bucket);
      s.action = Action::kDelete;
      s.reason = "tagged for this set-up, and --delete-data: every object in it is deleted";
      s.empty_bucket = true;
      s.calls.push_back({"s3", "DeleteBucket", {{"Bucket", d.bucket}}});
      steps.push_back(s);
    } else {
      steps.push_back(Kept("bucket", d.bucket, "kept with its objects (--delete-data removes them and it)"));
    }
  } else if (o.bucket.exists) {
    steps.push_back(Kept("bucket", d.bucket, not_ours));
  }
  return p;
}

}  // namespace ferry::awssetup
