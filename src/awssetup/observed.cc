#include "awssetup/observed.h"

#include <algorithm>

namespace ferry::awssetup {

namespace {

using aws::ApiCall;
using aws::AwsApi;
using aws::AwsError;
using nlohmann::json;

std::string Str(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key)) return "";
  const json& v = j[key];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number() || v.is_boolean()) return v.dump();
  return "";
}

int Int(const std::string& s) {
  try {
    return s.empty() ? 0 : std::stoi(s);
  } catch (const std::exception&) {
    return 0;
  }
}

int Int(const json& j, const char* key) { return Int(Str(j, key)); }

// Tags as [{Key, Value}] (IAM, S3), [{key, value}] (EC2) or {k: v} (Batch, Logs).
Tags ParseTags(const json& v) {
  Tags t;
  if (v.is_object() && !v.contains("Key") && !v.contains("key")) {
    for (auto it = v.begin(); it != v.end(); ++it)
      if (it.value().is_string()) t[it.key()] = it.value().get<std::string>();
    return t;
  }
  for (const json& e : AsList(v)) {
    std::string k = Str(e, "Key").empty() ? Str(e, "key") : Str(e, "Key");
    std::string val = Str(e, "Key").empty() ? Str(e, "value") : Str(e, "Value");
    if (!k.empty()) t[k] = val;
  }
  return t;
}

bool IsAbsent(const AwsError& e) {
  static const char* kAbsent[] = {"NoSuchEntity",
                                  "NoSuchBucket",
                                  "NotFound",
                                  "404",
                                  "NoSuchTagSet",
                                  "NoSuchBucketPolicy",
                                  "NoSuchLifecycleConfiguration",
                                  "NoSuchPublicAccessBlockConfiguration",
                                  "ResourceNotFoundException",
                                  "InvalidLaunchTemplateName.NotFoundException"};
  for (const char* c : kAbsent)
    if (e.code == c) return true;
  return e.http_status == 404;
}

// Calls `call`; *found is false (and Ok) when AWS answers that the thing
// does not exist.
Status Read(AwsApi& api, const ApiCall& call, json* out, bool* found) {
  AwsError err;
  Status s = api.Call(call, out, &err);
  *found = s.ok();
  if (s.ok()) return s;
  if (IsAbsent(err)) return Status::Ok();
  return s;
}

Status ObserveBucket(AwsApi& api, const Desired& d, ObservedBucket* out) {
  json r;
  bool found = false;
  AwsError err;
  Status s = api.Call({"s3", "HeadBucket", {{"Bucket", d.bucket}}}, &r, &err);
  if (!s.ok()) {
    if (IsAbsent(err)) return Status::Ok();
    if (err.http_status == 403)
      return Status::Failed("bucket '" + d.bucket +
                            "' exists but these credentials may not use it (S3 bucket names are global: it may "
                            "belong to another account); name another with --bucket");
    return s;
  }
  out->exists = true;
  FERRY_RETURN_IF_ERROR(Read(api, {"s3", "GetBucketTagging", {{"Bucket", d.bucket}}}, &r, &found));
  if (found && r.contains("TagSet") && r["TagSet"].is_object()) out->tags = ParseTags(r["TagSet"].value("Tag", json()));
  FERRY_RETURN_IF_ERROR(Read(api, {"s3", "GetPublicAccessBlock", {{"Bucket", d.bucket}}}, &r, &found));
  if (found) {
    out->blocks_public = true;
    for (const char* k : {"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"})
      out->blocks_public = out->blocks_public && Str(r, k) == "true";
  }
  FERRY_RETURN_IF_ERROR(Read(api, {"s3", "GetBucketPolicy", {{"Bucket", d.bucket}}}, &r, &found));
  if (found) out->policy = Str(r, "Policy");
  FERRY_RETURN_IF_ERROR(Read(api, {"s3", "GetBucketLifecycleConfiguration", {{"Bucket", d.bucket}}}, &r, &found));
  if (found)
    for (const json& rule : AsList(r.value("Rule", json())))
      if (Str(rule, "Status") == "Enabled" && rule.contains("Expiration"))
        out->expire_days = Int(rule["Expiration"], "Days");
  return Status::Ok();
}

Status ObserveRole(AwsApi& api, const std::string& name, ObservedRole* out) {
  json r;
  bool found = false;
  FERRY_RETURN_IF_ERROR(Read(api, {"iam", "GetRole", {{"RoleName", name}}}, &r, &found));
  if (!found) return Status::Ok();
  out->exists = true;
  const json& role = r.value("Role", json::object());
  out->arn = Str(role, "Arn");
  out->path = Str(role, "Path");
  out->trust = Str(role, "AssumeRolePolicyDocument");
  FERRY_RETURN_IF_ERROR(Read(api, {"iam", "ListRoleTags", {{"RoleName", name}}}, &r, &found));
  if (found) out->tags = ParseTags(r.value("Tags", json()));
  FERRY_RETURN_IF_ERROR(Read(api, {"iam", "ListRolePolicies", {{"RoleName", name}}}, &r, &found));
  for (const json& p : AsList(found ? r.value("PolicyNames", json()) : json())) {
    if (!p.is_string()) continue;
    json doc;
    bool has = false;
    FERRY_RETURN_IF_ERROR(Read(api, {"iam", "GetRolePolicy", {{"RoleName", name}, {"PolicyName", p}}}, &doc, &has));
    if (has) out->inline_policies[p.get<std::string>()] = Str(doc, "PolicyDocument");
  }
  FERRY_RETURN_IF_ERROR(Read(api, {"iam", "ListAttachedRolePolicies", {{"RoleName", name}}}, &r, &found));
  for (const json& p : AsList(found ? r.value("AttachedPolicies", json()) : json()))
    out->attached.push_back(Str(p, "PolicyArn"));
  return Status::Ok();
}

Status ObserveProfile(AwsApi& api, const std::string& name, ObservedProfile* out) {
  json r;
  bool found = false;
  FERRY_RETURN_IF_ERROR(Read(api, {"iam", "GetInstanceProfile", {{"InstanceProfileName", name}}}, &r, &found));
  if (!found) return Status::Ok();
  out->exists = true;
  const json& p = r.value("InstanceProfile", json::object());
  for (const json& role : AsList(p.value("Roles", json()))) out->roles.push_back(Str(role, "RoleName"));
  // GetInstanceProfile answers with the tags (moto fails ListInstanceProfileTags).
  out->tags = ParseTags(p.value("Tags", json()));
  return Status::Ok();
}

Status ObserveGroup(AwsApi& api, const std::string& name, ObservedGroup* out) {
  json r;
  bool found = false;
  FERRY_RETURN_IF_ERROR(Read(api, {"iam", "GetGroup", {{"GroupName", name}}}, &r, &found));
  if (!found) return Status::Ok();
  out->exists = true;
  out->path = Str(r.value("Group", json::object()), "Path");
  for (const json& u : AsList(r.value("Users", json()))) out->users.push_back(Str(u, "UserName"));
  FERRY_RETURN_IF_ERROR(Read(api, {"iam", "ListGroupPolicies", {{"GroupName", name}}}, &r, &found));
  for (const json& p : AsList(found ? r.value("PolicyNames", json()) : json())) {
    if (!p.is_string()) continue;
    json doc;
    bool has = false;
    FERRY_RETURN_IF_ERROR(Read(api, {"iam", "GetGroupPolicy", {{"GroupName", name}, {"PolicyName", p}}}, &doc, &has));
    if (has) out->inline_policies[p.get<std::string>()] = Str(doc, "PolicyDocument");
  }
  return Status::Ok();
}

json Filter(const std::string& name, const std::string& value) { return {{"Name", name}, {"Values", {value}}}; }

Status ObserveNetwork(AwsApi& api, const Desired& d, ObservedNetwork* out) {
  if (!d.options.subnets.empty()) {
    out->subnets = d.options.subnets;
    out->security_group = d.options.security_group;
    return Status::Ok();
  }
  json r;
  FERRY_RETURN_IF_ERROR(api.Call({"ec2", "DescribeVpcs", {{"Filters", {Filter("isDefault", "true")}}}}, &r));
  std::vector<json> vpcs = AsList(r.value("vpcSet", json()));
  if (vpcs.empty()) return Status::Ok();
  out->vpc = Str(vpcs[0], "vpcId");
  FERRY_RETURN_IF_ERROR(api.Call({"ec2", "DescribeSubnets", {{"Filters", {Filter("vpc-id", out->vpc)}}}}, &r));
  for (const json& s : AsList(r.value("subnetSet", json()))) out->subnets.push_back(Str(s, "subnetId"));
  std::sort(out->subnets.begin(), out->subnets.end());
  FERRY_RETURN_IF_ERROR(api.Call(
      {"ec2", "DescribeSecurityGroups", {{"Filters", {Filter("vpc-id", out->vpc), Filter("group-name", "default")}}}},
      &r));
  std::vector<json> groups = AsList(r.value("securityGroupInfo", json()));
  if (!groups.empty()) out->security_group = Str(groups[0], "groupId");
  return Status::Ok();
}

Status ObserveLaunchTemplate(AwsApi& api, const Desired& d, ObservedLaunchTemplate* out) {
  json r;
  bool found = false;
  FERRY_RETURN_IF_ERROR(
      Read(api, {"ec2", "DescribeLaunchTemplates", {{"LaunchTemplateNames", {d.launch_template}}}}, &r, &found));
  std::vector<json> templates = AsList(found ? r.value("launchTemplates", json()) : json());
  if (templates.empty()) return Status::Ok();
  out->exists = true;
  out->tags = ParseTags(templates[0].value("tagSet", json()));
  return Status::Ok();
}

Status ObserveLogGroup(AwsApi& api, const Desired& d, ObservedLogGroup* out) {
  json r;
  FERRY_RETURN_IF_ERROR(api.Call({"logs", "DescribeLogGroups", {{"logGroupNamePrefix", d.log_group}}}, &r));
  for (const json& g : AsList(r.value("logGroups", json()))) {
    if (Str(g, "logGroupName") != d.log_group) continue;
    out->exists = true;
    out->retention_days = Int(g, "retentionInDays");
  }
  if (!out->exists) return Status::Ok();
  bool found = false;
  FERRY_RETURN_IF_ERROR(Read(api, {"logs", "ListTagsLogGroup", {{"logGroupName", d.log_group}}}, &r, &found));
  if (found) out->tags = ParseTags(r.value("tags", json::object()));
  return Status::Ok();
}

Status ObserveJobDefinition(AwsApi& api, const Desired& d, ObservedJobDefinition* out) {
  json r;
  FERRY_RETURN_IF_ERROR(api.Call(
      {"batch", "DescribeJobDefinitions", {{"jobDefinitionName", d.job_definition}, {"status", "ACTIVE"}}}, &r));
  int newest = -1;
  for (const json& j : AsList(r.value("jobDefinitions", json()))) {
    out->exists = true;
    out->active_arns.push_back(Str(j, "jobDefinitionArn"));
    int rev = Int(j, "revision");
    if (rev <= newest) continue;
    newest = rev;
    const json& c = j.value("containerProperties", json::object());
    out->image = Str(c, "image");
    out->job_role = Str(c, "jobRoleArn");
    out->vcpus = Int(c, "vcpus");
    out->memory_mib = Int(c, "memory");
    for (const json& req : AsList(c.value("resourceRequirements", json()))) {
      if (Str(req, "type") == "VCPU") out->vcpus = Int(req, "value");
      if (Str(req, "type") == "MEMORY") out->memory_mib = Int(req, "value");
    }
    out->attempts = Int(j.value("retryStrategy", json::object()), "attempts");
    out->timeout_seconds = Int(j.value("timeout", json::object()), "attemptDurationSeconds");
    out->tags = ParseTags(j.value("tags", json::object()));
  }
  return Status::Ok();
}

}  // namespace

// Found by its path: emulators spell the role's name differently.
Status ObserveServiceLinkedRole(AwsApi& api, ObservedRole* out) {
  json r;
  FERRY_RETURN_IF_ERROR(api.Call({"iam", "ListRoles", {{"PathPrefix", "/aws-service-role/batch.amazonaws.com/"}}}, &r));
  for (const json& role : AsList(r.value("Roles", json()))) {
    out->exists = true;
    out->arn = Str(role, "Arn");
    out->path = Str(role, "Path");
  }
  return Status::Ok();
}

std::vector<json> AsList(const json& v) {
  if (v.is_array()) return std::vector<json>(v.begin(), v.end());
  if (v.is_object() || (v.is_string() && !v.get<std::string>().empty())) return {v};
  return {};
}

Status ObserveComputeEnv(AwsApi& api, const std::string& name, ObservedComputeEnv* out) {
  *out = ObservedComputeEnv();
  json r;
  FERRY_RETURN_IF_ERROR(api.Call({"batch", "DescribeComputeEnvironments", {{"computeEnvironments", {name}}}}, &r));
  for (const json& ce : AsList(r.value("computeEnvironments", json()))) {
    // Batch lists a deleted one for a while as DELETED: it is gone.
    if (Str(ce, "computeEnvironmentName") != name || Str(ce, "status") == "DELETED") continue;
    out->exists = true;
    out->arn = Str(ce, "computeEnvironmentArn");
    out->state = Str(ce, "state");
    out->status = Str(ce, "status");
    out->status_reason = Str(ce, "statusReason");
    out->service_role = Str(ce, "serviceRole");
    const json& cr = ce.value("computeResources", json::object());
    out->max_vcpus = Int(cr, "maxvCpus");
    out->instance_role = Str(cr, "instanceRole");
    out->launch_template = Str(cr.value("launchTemplate", json::object()), "launchTemplateName");
    out->tags = ParseTags(ce.value("tags", json::object()));
  }
  return Status::Ok();
}

Status ObserveQueue(AwsApi& api, const std::string& name, ObservedQueue* out) {
  *out = ObservedQueue();
  json r;
  FERRY_RETURN_IF_ERROR(api.Call({"batch", "DescribeJobQueues", {{"jobQueues", {name}}}}, &r));
  for (const json& q : AsList(r.value("jobQueues", json()))) {
    if (Str(q, "jobQueueName") != name || Str(q, "status") == "DELETED") continue;
    out->exists = true;
    out->arn = Str(q, "jobQueueArn");
    out->state = Str(q, "state");
    out->status = Str(q, "status");
    out->status_reason = Str(q, "statusReason");
    for (const json& o : AsList(q.value("computeEnvironmentOrder", json())))
      out->compute_envs.push_back(Str(o, "computeEnvironment"));
    out->tags = ParseTags(q.value("tags", json::object()));
  }
  return Status::Ok();
}

Status Observe(AwsApi& api, const Desired& d, Observed* out) {
  FERRY_RETURN_IF_ERROR(ObserveBucket(api, d, &out->bucket));
  FERRY_RETURN_IF_ERROR(ObserveRole(api, d.job_role, &out->job_role));
  FERRY_RETURN_IF_ERROR(ObserveRole(api, d.instance_role, &out->instance_role));
  FERRY_RETURN_IF_ERROR(ObserveServiceLinkedRole(api, &out->service_linked_role));
  FERRY_RETURN_IF_ERROR(ObserveProfile(api, d.instance_profile, &out->instance_profile));
  FERRY_RETURN_IF_ERROR(ObserveGroup(api, d.group, &out->group));
  FERRY_RETURN_IF_ERROR(ObserveLaunchTemplate(api, d, &out->launch_template));
  FERRY_RETURN_IF_ERROR(ObserveLogGroup(api, d, &out->log_group));
  FERRY_RETURN_IF_ERROR(ObserveNetwork(api, d, &out->network));
  FERRY_RETURN_IF_ERROR(ObserveComputeEnv(api, d.compute_env, &out->compute_env));
  FERRY_RETURN_IF_ERROR(ObserveQueue(api, d.queue, &out->queue));
  return ObserveJobDefinition(api, d, &out->job_definition);
}

}  // namespace ferry::awssetup
