#include "awsemu/iam_store.h"

#include <algorithm>
#include <cctype>
#include <chrono>

#include <nlohmann/json.hpp>

#include "awsemu/auth.h"
#include "awsemu/batch_ids.h"
#include "awsemu/sts.h"

namespace awsemu {
namespace {

using nlohmann::json;

EmuError NoSuchEntity(const std::string& message) { return {404, "NoSuchEntity", message}; }
EmuError AlreadyExists(const std::string& message) { return {409, "EntityAlreadyExists", message}; }
EmuError DeleteConflict(const std::string& message) { return {409, "DeleteConflict", message}; }
EmuError InvalidInput(const std::string& message) { return {400, "InvalidInput", message}; }
EmuError LimitExceeded(const std::string& message) { return {409, "LimitExceeded", message}; }

std::string Now() { return Iso8601(std::chrono::system_clock::now()); }

// IAM unique ids: a prefix naming the kind ("AROA" role, "ANPA" policy,
// "AIPA" instance profile, "AGPA" group) and 17 upper-case characters.
std::string NewId(const char* prefix) {
  std::string id = prefix;
  for (char c : NewUuid()) {
    if (c == '-') continue;
    id += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (id.size() == 21) break;
  }
  return id;
}

// The name part of "name" or of an IAM ARN whose resource is KIND[/path]/name.
std::string NameOf(const std::string& name_or_arn) {
  if (name_or_arn.rfind("arn:", 0) != 0) return name_or_arn;
  auto slash = name_or_arn.rfind('/');
  return slash == std::string::npos ? std::string() : name_or_arn.substr(slash + 1);
}

const char* KindName(IamHolderKind kind) { return kind == IamHolderKind::kRole ? "role" : "group"; }

EmuError NoHolder(IamHolderKind kind, const std::string& name) {
  return NoSuchEntity(std::string("The ") + KindName(kind) + " with name " + name + " cannot be found.");
}

template <typename T>
std::vector<T> WithPathPrefix(const std::map<std::string, T>& items, const std::string& prefix) {
  std::vector<T> out;
  for (const auto& [_, item] : items)
    if (item.path.rfind(prefix.empty() ? "/" : prefix, 0) == 0) out.push_back(item);
  return out;
}

void SetTags(IamTags* tags, const IamTags& add) {
  for (const auto& tag : add) {
    auto it = std::find_if(tags->begin(), tags->end(), [&](const auto& t) { return t.first == tag.first; });
    if (it == tags->end()) tags->push_back(tag);
    else it->second = tag.second;
  }
}

// The AWS managed policies a fresh account can attach (those Batch set-ups
// use), by path and name, with the actions each allows on every resource.
struct AwsPolicy {
  const char* path;
  const char* name;
  const char* actions;  // a JSON array
};
const AwsPolicy kAwsPolicies[] = {
    {"/service-role/", "AmazonEC2ContainerServiceforEC2Role",
     R"(["ec2:DescribeTags","ecs:CreateCluster","ecs:DeregisterContainerInstance","ecs:DiscoverPollEndpoint",)"
     R"("ecs:Poll","ecs:RegisterContainerInstance","ecs:StartTelemetrySession","ecs:Submit*",)"
     R"("ecr:GetAuthorizationToken","ecr:BatchCheckLayerAvailability","ecr:GetDownloadUrlForLayer",)"
     R"("ecr:BatchGetImage","logs:CreateLogStream","logs:PutLogEvents"])"},
    {"/service-role/", "AWSBatchServiceRole", R"(["ec2:*","ecs:*","autoscaling:*","logs:*","iam:PassRole"])"},
    {"/aws-service-role/", "BatchServiceRolePolicy", R"(["ec2:*","ecs:*","autoscaling:*","logs:*","iam:PassRole"])"},
    {"/service-role/", "AmazonECSTaskExecutionRolePolicy",
     R"(["ecr:GetAuthorizationToken","ecr:BatchCheckLayerAvailability","ecr:GetDownloadUrlForLayer",)"
     R"("ecr:BatchGetImage","logs:CreateLogStream","logs:PutLogEvents"])"},
    {"/service-role/", "AmazonEC2SpotFleetTaggingRole", R"(["ec2:*","iam:ListInstanceProfiles","iam:PassRole"])"},
    {"/", "AWSBatchFullAccess",
     R"(["batch:*","cloudwatch:GetMetricStatistics","ec2:Describe*","ecs:List*",)"
     R"("ecs:Describe*","logs:Describe*","logs:Get*","iam:ListRoles","iam:PassRole"])"},
    {"/", "AmazonS3FullAccess", R"(["s3:*","s3-object-lambda:*"])"},
    {"/", "AmazonS3ReadOnlyAccess", R"(["s3:Get*","s3:List*","s3-object-lambda:Get*","s3-object-lambda:List*"])"},
    {"/", "CloudWatchLogsFullAccess", R"(["logs:*"])"},
    {"/", "CloudWatchLogsReadOnlyAccess", R"(["logs:Describe*","logs:Get*","logs:List*","logs:FilterLogEvents"])"},
    {"/", "AmazonEC2ContainerRegistryReadOnly",
     R"(["ecr:GetAuthorizationToken","ecr:BatchCheckLayerAvailability","ecr:GetDownloadUrlForLayer",)"
     R"("ecr:GetRepositoryPolicy","ecr:DescribeRepositories","ecr:ListImages","ecr:DescribeImages",)"
     R"("ecr:BatchGetImage"])"},
    {"/", "AmazonSSMManagedInstanceCore", R"(["ssm:*","ssmmessages:*","ec2messages:*"])"},
};

// Service-linked roles IAM knows: the service principal and the role's name
// and managed policy.
struct LinkedRole {
  const char* service;
  const char* role;
  const char* policy_arn;  // "" when the role has none the store knows
};
const LinkedRole kLinkedRoles[] = {
    {"batch.amazonaws.com", "AWSServiceRoleForBatch",
     "arn:aws:iam::aws:policy/aws-service-role/BatchServiceRolePolicy"},
    {"spot.amazonaws.com", "AWSServiceRoleForEC2Spot", ""},
    {"spotfleet.amazonaws.com", "AWSServiceRoleForEC2SpotFleet", ""},
    {"ecs.amazonaws.com", "AWSServiceRoleForECS", ""},
    {"autoscaling.amazonaws.com", "AWSServiceRoleForAutoScaling", ""},
};

std::string TrustPolicyFor(const std::string& service) {
  return json{
      {"Version", "2012-10-17"},
      {"Statement", {{{"Effect", "Allow"}, {"Principal", {{"Service", service}}}, {"Action", "sts:AssumeRole"}}}}}
      .dump();
}

}  // namespace

std::string IamArn(const std::string& kind, const std::string& path, const std::string& name) {
  return std::string("arn:aws:iam::") + kAccountId + ":" + kind + path + name;
}

EmuError CheckPolicyDocument(const std::string& document) {
  json j = json::parse(document, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return {400, "MalformedPolicyDocument", "This policy contains invalid Json"};
  if (j.contains("Version")) {
    const json& v = j["Version"];
    if (!v.is_string() || (v != "2012-10-17" && v != "2008-10-17"))
      return {400, "MalformedPolicyDocument", "The policy failed legacy parsing"};
  }
  if (!j.contains("Statement") || !(j["Statement"].is_array() || j["Statement"].is_object()))
    return {400, "MalformedPolicyDocument", "Syntax errors in policy."};
  return EmuError::Ok();
}

IamStore::IamStore() {
  std::lock_guard<std::mutex> lock(mu_);
  Seed();
}

void IamStore::Reset() {
  std::lock_guard<std::mutex> lock(mu_);
  roles_.clear();
  groups_.clear();
  policies_.clear();
  profiles_.clear();
  Seed();
}

void IamStore::Seed() {
  const std::string created = Now();
  for (const AwsPolicy& p : kAwsPolicies) {
    IamManagedPolicy m;
    m.name = p.name;
    m.path = p.path;
    m.arn = std::string("arn:aws:iam::aws:policy") + p.path + p.name;
    m.id = NewId("ANPA");
    m.create_date = m.update_date = created;
    m.aws_managed = true;
    json doc = {{"Version", "2012-10-17"},
                {"Statement", {{{"Effect", "Allow"}, {"Action", json::parse(p.actions)}, {"Resource", "*"}}}}};
    m.versions.push_back({"v1", doc.dump(), created});
    m.default_version = "v1";
    m.next_version = 2;
    policies_[m.arn] = m;
  }
  IamRole role;
  role.name = "ecsInstanceRole";
  role.path = "/";
  role.trust_policy = TrustPolicyFor("ec2.amazonaws.com");
  IamRole ignored;
  CreateRoleLocked(role, &ignored);
  IamPolicyHolder& r = roles_["ecsInstanceRole"];
  const std::string ecs_policy = "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role";
  r.attached.push_back(ecs_policy);
  policies_[ecs_policy].attachment_count++;
  IamInstanceProfile p;
  p.name = "ecsInstanceRole";
  p.path = "/";
  p.arn = IamArn("instance-profile", "/", p.name);
  p.id = NewId("AIPA");
  p.create_date = created;
  p.roles.push_back("ecsInstanceRole");
  profiles_[p.name] = p;
}

std::optional<IamRole> IamStore::FindRole(const std::string& name_or_arn) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = roles_.find(NameOf(name_or_arn));
  if (it == roles_.end()) return std::nullopt;
  if (name_or_arn.rfind("arn:", 0) == 0 && it->second.arn != name_or_arn) return std::nullopt;
  return it->second;
}

std::optional<IamInstanceProfile> IamStore::FindInstanceProfile(const std::string& name_or_arn) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = profiles_.find(NameOf(name_or_arn));
  if (it == profiles_.end()) return std::nullopt;
  if (name_or_arn.rfind("arn:", 0) == 0 && it->second.arn != name_or_arn) return std::nullopt;
  return it->second;
}

EmuError IamStore::CreateRoleLocked(IamRole role, IamRole* out) {
  if (roles_.count(role.name)) return AlreadyExists("Role with name " + role.name + " already exists.");
  if (role.path.empty()) role.path = "/";
  role.arn = IamArn("role", role.path, role.name);
  role.id = NewId("AROA");
  role.create_date = Now();
  *out = roles_[role.name] = std::move(role);
  return EmuError::Ok();
}

EmuError IamStore::CreateRole(IamRole role, IamRole* out) {
  EmuError e = CheckPolicyDocument(role.trust_policy);
  if (!e.ok()) return e;
  std::lock_guard<std::mutex> lock(mu_);
  return CreateRoleLocked(std::move(role), out);
}

EmuError IamStore::GetRole(const std::string& name, IamRole* out) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = roles_.find(name);
  if (it == roles_.end()) return NoSuchEntity("The role with name " + name + " cannot be found.");
  *out = it->second;
  return EmuError::Ok();
}

EmuError IamStore::DeleteRole(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = roles_.find(name);
  if (it == roles_.end()) return NoSuchEntity("The role with name " + name + " cannot be found.");
  for (const auto& [_, p] : profiles_)
    if (std::count(p.roles.begin(), p.roles.end(), name))
      return DeleteConflict("Cannot delete entity, must remove roles from instance profile first.");
  if (!it->second.attached.empty()) return DeleteConflict("Cannot delete entity, must detach all policies first.");
  if (!it->second.inline_policies.empty()) return DeleteConflict("Cannot delete entity, must delete policies first.");
  roles_.erase(it);
  return EmuError::Ok();
}

std::vector<IamRole> IamStore::ListRoles(const std::string& path_prefix) const {
  std::lock_guard<std::mutex> lock(mu_);
  return WithPathPrefix(roles_, path_prefix);
}

EmuError IamStore::UpdateAssumeRolePolicy(const std::string& name, const std::string& document) {
  EmuError e = CheckPolicyDocument(document);
  if (!e.ok()) return e;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = roles_.find(name);
  if (it == roles_.end()) return NoSuchEntity("The role with name " + name + " cannot be found.");
  it->second.trust_policy = document;
  return EmuError::Ok();
}

EmuError IamStore::CreateServiceLinkedRole(const std::string& service, const std::string& description, IamRole* out) {
  const LinkedRole* linked = nullptr;
  for (const LinkedRole& l : kLinkedRoles)
    if (service == l.service) linked = &l;
  if (!linked) return InvalidInput("Unrecognized service principal: " + service);
  std::lock_guard<std::mutex> lock(mu_);
  if (roles_.count(linked->role))
    return InvalidInput(std::string("Service role name ") + linked->role +
                        " has been taken in this account, please try a different suffix.");
  IamRole role;
  role.name = linked->role;
  role.path = "/aws-service-role/" + service + "/";
  role.description = description;
  role.trust_policy = TrustPolicyFor(service);
  EmuError e = CreateRoleLocked(std::move(role), out);
  if (!e.ok() || !*linked->policy_arn) return e;
  roles_[linked->role].attached.push_back(linked->policy_arn);
  policies_[linked->policy_arn].attachment_count++;
  *out = roles_[linked->role];
  return EmuError::Ok();
}

EmuError IamStore::CreateGroup(const std::string& name, const std::string& path, IamGroup* out) {
  std::lock_guard<std::mutex> lock(mu_);
  if (groups_.count(name)) return AlreadyExists("Group with name " + name + " already exists.");
  IamGroup g;
  g.name = name;
  g.path = path.empty() ? "/" : path;
  g.arn = IamArn("group", g.path, name);
  g.id = NewId("AGPA");
  g.create_date = Now();
  *out = groups_[name] = g;
  return EmuError::Ok();
}

EmuError IamStore::GetGroup(const std::string& name, IamGroup* out) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = groups_.find(name);
  if (it == groups_.end()) return NoSuchEntity("The group with name " + name + " cannot be found.");
  *out = it->second;
  return EmuError::Ok();
}

EmuError IamStore::DeleteGroup(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = groups_.find(name);
  if (it == groups_.end()) return NoSuchEntity("The group with name " + name + " cannot be found.");
  if (!it->second.attached.empty()) return DeleteConflict("Cannot delete entity, must detach all policies first.");
  if (!it->second.inline_policies.empty()) return DeleteConflict("Cannot delete entity, must delete policies first.");
  groups_.erase(it);
  return EmuError::Ok();
}

std::vector<IamGroup> IamStore::ListGroups(const std::string& path_prefix) const {
  std::lock_guard<std::mutex> lock(mu_);
  return WithPathPrefix(groups_, path_prefix);
}

IamPolicyHolder* IamStore::Holder(IamHolderKind kind, const std::string& name) {
  if (kind == IamHolderKind::kRole) {
    auto it = roles_.find(name);
    return it == roles_.end() ? nullptr : &it->second;
  }
  auto it = groups_.find(name);
  return it == groups_.end() ? nullptr : &it->second;
}

const IamPolicyHolder* IamStore::Holder(IamHolderKind kind, const std::string& name) const {
  return const_cast<IamStore*>(this)->Holder(kind, name);
}

EmuError IamStore::PutInlinePolicy(IamHolderKind kind, const std::string& holder, const std::string& policy,
                                   const std::string& document) {
  EmuError e = CheckPolicyDocument(document);
  if (!e.ok()) return e;
  std::lock_guard<std::mutex> lock(mu_);
  IamPolicyHolder* h = Holder(kind, holder);
  if (!h) return NoHolder(kind, holder);
  h->inline_policies[policy] = document;
  return EmuError::Ok();
}

EmuError IamStore::GetInlinePolicy(IamHolderKind kind, const std::string& holder, const std::string& policy,
                                   std::string* document) const {
  std::lock_guard<std::mutex> lock(mu_);
  const IamPolicyHolder* h = Holder(kind, holder);
  if (!h) return NoHolder(kind, holder);
  auto it = h->inline_policies.find(policy);
  if (it == h->inline_policies.end())
    return NoSuchEntity("The " + std::string(KindName(kind)) + " policy with name " + policy + " cannot be found.");
  *document = it->second;
  return EmuError::Ok();
}

EmuError IamStore::DeleteInlinePolicy(IamHolderKind kind, const std::string& holder, const std::string& policy) {
  std::lock_guard<std::mutex> lock(mu_);
  IamPolicyHolder* h = Holder(kind, holder);
  if (!h) return NoHolder(kind, holder);
  if (!h->inline_policies.erase(policy))
    return NoSuchEntity("The " + std::string(KindName(kind)) + " policy with name " + policy + " cannot be found.");
  return EmuError::Ok();
}

EmuError IamStore::ListInlinePolicies(IamHolderKind kind, const std::string& holder,
                                      std::vector<std::string>* names) const {
  std::lock_guard<std::mutex> lock(mu_);
  const IamPolicyHolder* h = Holder(kind, holder);
  if (!h) return NoHolder(kind, holder);
  names->clear();
  for (const auto& [n, _] : h->inline_policies) names->push_back(n);
  return EmuError::Ok();
}

EmuError IamStore::AttachPolicy(IamHolderKind kind, const std::string& holder, const std::string& policy_arn) {
  std::lock_guard<std::mutex> lock(mu_);
  IamPolicyHolder* h = Holder(kind, holder);
  if (!h) return NoHolder(kind, holder);
  auto p = policies_.find(policy_arn);
  if (p == policies_.end()) return NoSuchEntity("Policy " + policy_arn + " does not exist or is not attachable.");
  if (std::count(h->attached.begin(), h->attached.end(), policy_arn)) return EmuError::Ok();
  if (h->attached.size() >= 10) return LimitExceeded(std::string("Cannot exceed quota for PoliciesPerRole: 10"));
  h->attached.push_back(policy_arn);
  p->second.attachment_count++;
  return EmuError::Ok();
}

EmuError IamStore::DetachPolicy(IamHolderKind kind, const std::string& holder, const std::string& policy_arn) {
  std::lock_guard<std::mutex> lock(mu_);
  IamPolicyHolder* h = Holder(kind, holder);
  if (!h) return NoHolder(kind, holder);
  auto it = std::find(h->attached.begin(), h->attached.end(), policy_arn);
  if (it == h->attached.end()) return NoSuchEntity("Policy " + policy_arn + " was not found.");
  h->attached.erase(it);
  auto p = policies_.find(policy_arn);
  if (p != policies_.end()) p->second.attachment_count--;
  return EmuError::Ok();
}

EmuError IamStore::ListAttachedPolicies(IamHolderKind kind, const std::string& holder,
                                        std::vector<std::pair<std::string, std::string>>* out) const {
  std::lock_guard<std::mutex> lock(mu_);
  const IamPolicyHolder* h = Holder(kind, holder);
  if (!h) return NoHolder(kind, holder);
  out->clear();
  for (const std::string& arn : h->attached) {
    auto p = policies_.find(arn);
    out->emplace_back(p == policies_.end() ? NameOf(arn) : p->second.name, arn);
  }
  return EmuError::Ok();
}

EmuError IamStore::CreatePolicy(IamManagedPolicy policy, const std::string& document, IamManagedPolicy* out) {
  EmuError e = CheckPolicyDocument(document);
  if (!e.ok()) return e;
  if (policy.path.empty()) policy.path = "/";
  policy.arn = IamArn("policy", policy.path, policy.name);
  std::lock_guard<std::mutex> lock(mu_);
  // Names are unique in the account whatever the path.
  for (const auto& [_, p] : policies_)
    if (!p.aws_managed && p.name == policy.name)
      return AlreadyExists("A policy called " + policy.name + " already exists. Duplicate names are not allowed.");
  policy.id = NewId("ANPA");
  policy.create_date = policy.update_date = Now();
  policy.versions = {{"v1", document, policy.create_date}};
  policy.default_version = "v1";
  policy.next_version = 2;
  *out = policies_[policy.arn] = std::move(policy);
  return EmuError::Ok();
}

EmuError IamStore::GetPolicy(const std::string& arn, IamManagedPolicy* out) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = policies_.find(arn);
  if (it == policies_.end()) return NoSuchEntity("Policy " + arn + " was not found.");
  *out = it->second;
  return EmuError::Ok();
}

EmuError IamStore::DeletePolicy(const std::string& arn) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = policies_.find(arn);
  if (it == policies_.end()) return NoSuchEntity("Policy " + arn + " was not found.");
  if (it->second.aws_managed) return InvalidInput("AWS managed policies cannot be deleted.");
  if (it->second.attachment_count > 0) return DeleteConflict("Cannot delete a policy attached to entities.");
  if (it->second.versions.size() > 1)
    return DeleteConflict(
        "This policy has more than one version. Before you delete a policy, you must delete "
        "the policy's versions. The default version is deleted with the policy.");
  policies_.erase(it);
  return EmuError::Ok();
}

std::vector<IamManagedPolicy> IamStore::ListPolicies(const std::string& scope, bool only_attached,
                                                     const std::string& path_prefix) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<IamManagedPolicy> out;
  for (const IamManagedPolicy& p : WithPathPrefix(policies_, path_prefix)) {
    if (scope == "AWS" && !p.aws_managed) continue;
    if (scope == "Local" && p.aws_managed) continue;
    if (only_attached && p.attachment_count == 0) continue;
    out.push_back(p);
  }
  return out;
}

EmuError IamStore::CreatePolicyVersion(const std::string& arn, const std::string& document, bool set_default,
                                       IamPolicyVersion* out) {
  EmuError e = CheckPolicyDocument(document);
  if (!e.ok()) return e;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = policies_.find(arn);
  if (it == policies_.end()) return NoSuchEntity("Policy " + arn + " was not found.");
  IamManagedPolicy& p = it->second;
  if (p.aws_managed) return InvalidInput("AWS managed policies cannot be changed.");
  if (p.versions.size() >= 5)
    return LimitExceeded(
        "A managed policy can have up to 5 versions. Before you create a new version, you must "
        "delete an existing version.");
  IamPolicyVersion v{"v" + std::to_string(p.next_version++), document, Now()};
  p.versions.push_back(v);
  p.update_date = v.create_date;
  if (set_default) p.default_version = v.id;
  *out = v;
  return EmuError::Ok();
}

EmuError IamStore::GetPolicyVersion(const std::string& arn, const std::string& version, IamPolicyVersion* out) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = policies_.find(arn);
  if (it == policies_.end()) return NoSuchEntity("Policy " + arn + " was not found.");
  for (const IamPolicyVersion& v : it->second.versions)
    if (v.id == version) {
      *out = v;
      return EmuError::Ok();
    }
  return NoSuchEntity("Policy " + arn + " version " + version + " does not exist or is not attachable.");
}

EmuError IamStore::DeletePolicyVersion(const std::string& arn, const std::string& version) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = policies_.find(arn);
  if (it == policies_.end()) return NoSuchEntity("Policy " + arn + " was not found.");
  IamManagedPolicy& p = it->second;
  if (p.default_version == version) return DeleteConflict("Cannot delete the default version of a policy.");
  auto v = std::find_if(p.versions.begin(), p.versions.end(), [&](const auto& x) { return x.id == version; });
  if (v == p.versions.end()) return NoSuchEntity("Policy " + arn + " version " + version + " does not exist.");
  p.versions.erase(v);
  return EmuError::Ok();
}

EmuError IamStore::CreateInstanceProfile(IamInstanceProfile profile, IamInstanceProfile* out) {
  std::lock_guard<std::mutex> lock(mu_);
  if (profiles_.count(profile.name)) return AlreadyExists("Instance Profile " + profile.name + " already exists.");
  if (profile.path.empty()) profile.path = "/";
  profile.arn = IamArn("instance-profile", profile.path, profile.name);
  profile.id = NewId("AIPA");
  profile.create_date = Now();
  profile.roles.clear();
  *out = profiles_[profile.name] = std::move(profile);
  return EmuError::Ok();
}

EmuError IamStore::GetInstanceProfile(const std::string& name, IamInstanceProfile* out) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = profiles_.find(name);
  if (it == profiles_.end()) return NoSuchEntity("Instance Profile " + name + " cannot be found.");
  *out = it->second;
  return EmuError::Ok();
}

EmuError IamStore::DeleteInstanceProfile(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = profiles_.find(name);
  if (it == profiles_.end()) return NoSuchEntity("Instance Profile " + name + " cannot be found.");
  if (!it->second.roles.empty())
    return DeleteConflict("Cannot delete entity, must remove roles from instance profile first.");
  profiles_.erase(it);
  return EmuError::Ok();
}

std::vector<IamInstanceProfile> IamStore::ListInstanceProfiles(const std::string& path_prefix) const {
  std::lock_guard<std::mutex> lock(mu_);
  return WithPathPrefix(profiles_, path_prefix);
}

EmuError IamStore::AddRoleToInstanceProfile(const std::string& profile, const std::string& role) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = profiles_.find(profile);
  if (it == profiles_.end()) return NoSuchEntity("Instance Profile " + profile + " cannot be found.");
  if (!roles_.count(role)) return NoSuchEntity("The role with name " + role + " cannot be found.");
  if (!it->second.roles.empty()) return LimitExceeded("Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1");
  it->second.roles.push_back(role);
  return EmuError::Ok();
}

EmuError IamStore::RemoveRoleFromInstanceProfile(const std::string& profile, const std::string& role) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = profiles_.find(profile);
  if (it == profiles_.end()) return NoSuchEntity("Instance Profile " + profile + " cannot be found.");
  auto r = std::find(it->second.roles.begin(), it->second.roles.end(), role);
  if (r == it->second.roles.end())
    return NoSuchEntity("The role with name " + role + " cannot be found in instance profile " + profile + ".");
  it->second.roles.erase(r);
  return EmuError::Ok();
}

EmuError IamStore::InstanceProfilesForRole(const std::string& role, std::vector<IamInstanceProfile>* out) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (!roles_.count(role)) return NoSuchEntity("The role with name " + role + " cannot be found.");
  out->clear();
  for (const auto& [_, p] : profiles_)
    if (std::count(p.roles.begin(), p.roles.end(), role)) out->push_back(p);
  return EmuError::Ok();
}

IamTags* IamStore::TagsOf(const std::string& kind, const std::string& name) {
  if (kind == "role") {
    auto it = roles_.find(name);
    return it == roles_.end() ? nullptr : &it->second.tags;
  }
  if (kind == "policy") {
    auto it = policies_.find(name);
    return it == policies_.end() || it->second.aws_managed ? nullptr : &it->second.tags;
  }
  auto it = profiles_.find(name);
  return it == profiles_.end() ? nullptr : &it->second.tags;
}

namespace {
EmuError NoTagTarget(const std::string& kind, const std::string& name) {
  if (kind == "role") return NoSuchEntity("The role with name " + name + " cannot be found.");
  if (kind == "policy") return NoSuchEntity("Policy " + name + " was not found.");
  return NoSuchEntity("Instance Profile " + name + " cannot be found.");
}
}  // namespace

EmuError IamStore::Tag(const std::string& kind, const std::string& name, const IamTags& tags) {
  std::lock_guard<std::mutex> lock(mu_);
  IamTags* t = TagsOf(kind, name);
  if (!t) return NoTagTarget(kind, name);
  IamTags merged = *t;
  SetTags(&merged, tags);
  if (merged.size() > 50) return LimitExceeded("The number of tags has reached the maximum limit of 50.");
  *t = merged;
  return EmuError::Ok();
}

EmuError IamStore::Untag(const std::string& kind, const std::string& name, const std::vector<std::string>& keys) {
  std::lock_guard<std::mutex> lock(mu_);
  IamTags* t = TagsOf(kind, name);
  if (!t) return NoTagTarget(kind, name);
  t->erase(std::remove_if(t->begin(), t->end(),
                          [&](const auto& tag) { return std::count(keys.begin(), keys.end(), tag.first) > 0; }),
           t->end());
  return EmuError::Ok();
}

EmuError IamStore::ListTags(const std::string& kind, const std::string& name, IamTags* out) const {
  std::lock_guard<std::mutex> lock(mu_);
  IamTags* t = const_cast<IamStore*>(this)->TagsOf(kind, name);
  if (!t) return NoTagTarget(kind, name);
  *out = *t;
  return EmuError::Ok();
}

}  // namespace awsemu
