#include "awsemu/iam_service.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "aws/sigv4.h"
#include "awsemu/emu_error.h"
#include "awsemu/operation_table.h"
#include "awsemu/query_protocol.h"

namespace awsemu {
namespace {

using nlohmann::json;

const char kIamNs[] = "https://iam.amazonaws.com/doc/2010-05-08/";

// What an IAM operation sees: the store, the request's parameters as a tree
// (QueryTree) and the result to fill.
struct IamCall {
  IamStore& store;
  const json& in;
  json* out;
};

// A missing required parameter, worded as AWS's validation layer words it.
EmuError MissingParam(const std::string& name) {
  std::string member = name;
  member[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(member[0])));
  return {400, "ValidationError",
          "1 validation error detected: Value null at '" + member +
              "' failed to satisfy constraint: Member must not "
              "be null"};
}

// Reads a required string parameter into *out; the error when it is absent.
EmuError Required(const json& in, const char* name, std::string* out) {
  if (!in.contains(name) || !in[name].is_string() || in[name].get<std::string>().empty()) return MissingParam(name);
  *out = in[name].get<std::string>();
  return EmuError::Ok();
}

std::string Optional(const json& in, const char* name, const std::string& dflt = "") {
  return in.contains(name) && in[name].is_string() ? in[name].get<std::string>() : dflt;
}

// Names of roles, groups, policies and instance profiles: IAM's [\w+=,.@-]
// and a length limit.
EmuError CheckName(const std::string& name, const char* member, size_t max) {
  bool ok = !name.empty() && name.size() <= max && std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || std::string_view("_+=,.@-").find(static_cast<char>(c)) != std::string::npos;
  });
  if (ok) return EmuError::Ok();
  return {400, "ValidationError",
          "1 validation error detected: Value '" + name + "' at '" + member +
              "' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+ and "
              "have length between 1 and " +
              std::to_string(max)};
}

EmuError CheckPath(const std::string& path) {
  if (path.empty() || (path.front() == '/' && path.back() == '/' && path.size() <= 512)) return EmuError::Ok();
  return {400, "ValidationError",
          "1 validation error detected: Value '" + path +
              "' at 'path' failed to satisfy constraint: Member must begin and end with /"};
}

#define IAM_TRY(expr)                      \
  do {                                     \
    EmuError iam_try_e = (expr);           \
    if (!iam_try_e.ok()) return iam_try_e; \
  } while (0)

IamTags TagsParam(const json& in, const char* name) {
  IamTags tags;
  for (const json& t : QueryMembers(in, name))
    if (t.is_object()) tags.emplace_back(Optional(t, "Key"), Optional(t, "Value"));
  return tags;
}

std::vector<std::string> StringMembers(const json& in, const char* name) {
  std::vector<std::string> out;
  for (const json& v : QueryMembers(in, name))
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

json TagsJson(const IamTags& tags) {
  json out = json::array();
  for (const auto& [k, v] : tags) out.push_back({{"Key", k}, {"Value", v}});
  return out;
}

// Policy documents leave URL-encoded, as IAM sends them.
std::string Encoded(const std::string& document) { return ferry::aws::UriEncode(document, false); }

json RoleJson(const IamRole& r) {
  json j = {{"Path", r.path}, {"RoleName", r.name},          {"RoleId", r.id},
            {"Arn", r.arn},   {"CreateDate", r.create_date}, {"AssumeRolePolicyDocument", Encoded(r.trust_policy)}};
  if (!r.description.empty()) j["Description"] = r.description;
  j["MaxSessionDuration"] = r.max_session_duration;
  if (!r.tags.empty()) j["Tags"] = TagsJson(r.tags);
  return j;
}

json GroupJson(const IamGroup& g) {
  return {{"Path", g.path}, {"GroupName", g.name}, {"GroupId", g.id}, {"Arn", g.arn}, {"CreateDate", g.create_date}};
}

json PolicyJson(const IamManagedPolicy& p) {
  json j = {{"PolicyName", p.name},
            {"PolicyId", p.id},
            {"Arn", p.arn},
            {"Path", p.path},
            {"DefaultVersionId", p.default_version},
            {"AttachmentCount", p.attachment_count},
            {"PermissionsBoundaryUsageCount", 0},
            {"IsAttachable", true}};
  if (!p.description.empty()) j["Description"] = p.description;
  j["CreateDate"] = p.create_date;
  j["UpdateDate"] = p.update_date;
  if (!p.tags.empty()) j["Tags"] = TagsJson(p.tags);
  return j;
}

json VersionJson(const IamPolicyVersion& v, const std::string& default_version, bool with_document) {
  json j = json::object();
  if (with_document) j["Document"] = Encoded(v.document);
  j["VersionId"] = v.id;
  j["IsDefaultVersion"] = v.id == default_version;
  j["CreateDate"] = v.create_date;
  return j;
}

json ProfileJson(IamStore& store, const IamInstanceProfile& p) {
  json roles = json::array();
  for (const std::string& name : p.roles)
    if (auto r = store.FindRole(name)) roles.push_back(RoleJson(*r));
  json j = {{"Path", p.path}, {"InstanceProfileName", p.name}, {"InstanceProfileId", p.id},
            {"Arn", p.arn},   {"CreateDate", p.create_date},   {"Roles", roles}};
  if (!p.tags.empty()) j["Tags"] = TagsJson(p.tags);
  return j;
}

// One page of a listing: Marker is the index of the next item, MaxItems
// (1..1000, default 100) the page size; IsTruncated and Marker say what is
// left, as IAM's paginators expect.
template <typename T, typename View>
EmuError Page(const json& in, const std::vector<T>& items, const char* key, View view, json* out) {
  size_t start = 0, max = 100;
  std::string marker = Optional(in, "Marker");
  if (!marker.empty()) {
    char* end = nullptr;
    start = std::strtoull(marker.c_str(), &end, 10);
    if (*end != '\0' || start > items.size()) return {400, "InvalidInput", "Invalid Marker: " + marker};
  }
  std::string max_items = Optional(in, "MaxItems");
  if (!max_items.empty()) {
    char* end = nullptr;
    max = std::strtoull(max_items.c_str(), &end, 10);
    if (*end != '\0' || max < 1 || max > 1000)
      return {400, "ValidationError",
              "1 validation error detected: Value '" + max_items +
                  "' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000"};
  }
  json list = json::array();
  size_t i = start;
  for (; i < items.size() && list.size() < max; ++i) list.push_back(view(items[i]));
  (*out)[key] = list;
  (*out)["IsTruncated"] = i < items.size();
  if (i < items.size()) (*out)["Marker"] = std::to_string(i);
  return EmuError::Ok();
}

// ---- roles -------------------------------------------------------------

EmuError CreateRole(const IamCall& c) {
  IamRole r;
  IAM_TRY(Required(c.in, "RoleName", &r.name));
  IAM_TRY(CheckName(r.name, "roleName", 64));
  IAM_TRY(Required(c.in, "AssumeRolePolicyDocument", &r.trust_policy));
  r.path = Optional(c.in, "Path", "/");
  IAM_TRY(CheckPath(r.path));
  r.description = Optional(c.in, "Description");
  std::string max = Optional(c.in, "MaxSessionDuration");
  if (!max.empty()) {
    r.max_session_duration = std::atoi(max.c_str());
    if (r.max_session_duration < 3600 || r.max_session_duration > 43200)
      return {400, "ValidationError",
              "1 validation error detected: Value '" + max +
                  "' at 'maxSessionDuration' failed to satisfy constraint: Member must have value between 3600 and "
                  "43200"};
  }
  r.tags = TagsParam(c.in, "Tags");
  IamRole created;
  IAM_TRY(c.store.CreateRole(r, &created));
  (*c.out)["Role"] = RoleJson(created);
  return EmuError::Ok();
}

EmuError GetRole(const IamCall& c) {
  std::string name;
  IAM_TRY(Required(c.in, "RoleName", &name));
  IamRole r;
  IAM_TRY(c.store.GetRole(name, &r));
  (*c.out)["Role"] = RoleJson(r);
  return EmuError::Ok();
}

EmuError DeleteRole(const IamCall& c) {
  std::string name;
  IAM_TRY(Required(c.in, "RoleName", &name));
  return c.store.DeleteRole(name);
}

EmuError ListRoles(const IamCall& c) {
  return Page(c.in, c.store.ListRoles(Optional(c.in, "PathPrefix")), "Roles", RoleJson, c.out);
}

EmuError UpdateAssumeRolePolicy(const IamCall& c) {
  std::string name, doc;
  IAM_TRY(Required(c.in, "RoleName", &name));
  IAM_TRY(Required(c.in, "PolicyDocument", &doc));
  return c.store.UpdateAssumeRolePolicy(name, doc);
}

EmuError CreateServiceLinkedRole(const IamCall& c) {
  std::string service;
  IAM_TRY(Required(c.in, "AWSServiceName", &service));
  IamRole r;
  IAM_TRY(c.store.CreateServiceLinkedRole(service, Optional(c.in, "Description"), &r));
  (*c.out)["Role"] = RoleJson(r);
  return EmuError::Ok();
}

// ---- inline and attached policies of roles and groups --------------------

constexpr const char* HolderParam(IamHolderKind k) { return k == IamHolderKind::kRole ? "RoleName" : "GroupName"; }

template <IamHolderKind K>
EmuError PutHolderPolicy(const IamCall& c) {
  std::string holder, policy, doc;
  IAM_TRY(Required(c.in, HolderParam(K), &holder));
  IAM_TRY(Required(c.in, "PolicyName", &policy));
  IAM_TRY(CheckName(policy, "policyName", 128));
  IAM_TRY(Required(c.in, "PolicyDocument", &doc));
  return c.store.PutInlinePolicy(K, holder, policy, doc);
}

template <IamHolderKind K>
EmuError GetHolderPolicy(const IamCall& c) {
  std::string holder, policy, doc;
  IAM_TRY(Required(c.in, HolderParam(K), &holder));
  IAM_TRY(Required(c.in, "PolicyName", &policy));
  IAM_TRY(c.store.GetInlinePolicy(K, holder, policy, &doc));
  (*c.out)[HolderParam(K)] = holder;
  (*c.out)["PolicyName"] = policy;
  (*c.out)["PolicyDocument"] = Encoded(doc);
  return EmuError::Ok();
}

template <IamHolderKind K>
EmuError DeleteHolderPolicy(const IamCall& c) {
  std::string holder, policy;
  IAM_TRY(Required(c.in, HolderParam(K), &holder));
  IAM_TRY(Required(c.in, "PolicyName", &policy));
  return c.store.DeleteInlinePolicy(K, holder, policy);
}

template <IamHolderKind K>
EmuError ListHolderPolicies(const IamCall& c) {
  std::string holder;
  IAM_TRY(Required(c.in, HolderParam(K), &holder));
  std::vector<std::string> names;
  IAM_TRY(c.store.ListInlinePolicies(K, holder, &names));
  return Page(
      c.in, names, "PolicyNames", [](const std::string& n) { return json(n); }, c.out);
}

template <IamHolderKind K>
EmuError AttachHolderPolicy(const IamCall& c) {
  std::string holder, arn;
  IAM_TRY(Required(c.in, HolderParam(K), &holder));
  IAM_TRY(Required(c.in, "PolicyArn", &arn));
  return c.store.AttachPolicy(K, holder, arn);
}

template <IamHolderKind K>
EmuError DetachHolderPolicy(const IamCall& c) {
  std::string holder, arn;
  IAM_TRY(Required(c.in, HolderParam(K), &holder));
  IAM_TRY(Required(c.in, "PolicyArn", &arn));
  return c.store.DetachPolicy(K, holder, arn);
}

template <IamHolderKind K>
EmuError ListAttachedHolderPolicies(const IamCall& c) {
  std::string holder;
  IAM_TRY(Required(c.in, HolderParam(K), &holder));
  std::vector<std::pair<std::string, std::string>> attached;
  IAM_TRY(c.store.ListAttachedPolicies(K, holder, &attached));
  std::string prefix = Optional(c.in, "PathPrefix");
  if (!prefix.empty()) {
    std::vector<std::pair<std::string, std::string>> kept;
    for (const auto& a : attached) {
      IamManagedPolicy p;
      if (c.store.GetPolicy(a.second, &p).ok() && p.path.rfind(prefix, 0) == 0) kept.push_back(a);
    }
    attached = kept;
  }
  return Page(
      c.in, attached, "AttachedPolicies",
      [](const std::pair<std::string, std::string>& a) {
        return json{{"PolicyName", a.first}, {"PolicyArn", a.second}};
      },
      c.out);
}

// ---- groups --------------------------------------------------------------

EmuError CreateGroup(const IamCall& c) {
  std::string name;
  IAM_TRY(Required(c.in, "GroupName", &name));
  IAM_TRY(CheckName(name, "groupName", 128));
  std::string path = Optional(c.in, "Path", "/");
  IAM_TRY(CheckPath(path));
  IamGroup g;
  IAM_TRY(c.store.CreateGroup(name, path, &g));
  (*c.out)["Group"] = GroupJson(g);
  return EmuError::Ok();
}

EmuError GetGroup(const IamCall& c) {
  std::string name;
  IAM_TRY(Required(c.in, "GroupName", &name));
  IamGroup g;
  IAM_TRY(c.store.GetGroup(name, &g));
  (*c.out)["Group"] = GroupJson(g);
  // The emulator has no IAM users, so no group has members.
  (*c.out)["Users"] = json::array();
  (*c.out)["IsTruncated"] = false;
  return EmuError::Ok();
}

EmuError DeleteGroup(const IamCall& c) {
  std::string name;
  IAM_TRY(Required(c.in, "GroupName", &name));
  return c.store.DeleteGroup(name);
}

EmuError ListGroups(const IamCall& c) {
  return Page(c.in, c.store.ListGroups(Optional(c.in, "PathPrefix")), "Groups", GroupJson, c.out);
}

// ---- managed policies ----------------------------------------------------

EmuError CreatePolicy(const IamCall& c) {
  IamManagedPolicy p;
  std::string doc;
  IAM_TRY(Required(c.in, "PolicyName", &p.name));
  IAM_TRY(CheckName(p.name, "policyName", 128));
  IAM_TRY(Required(c.in, "PolicyDocument", &doc));
  p.path = Optional(c.in, "Path", "/");
  IAM_TRY(CheckPath(p.path));
  p.description = Optional(c.in, "Description");
  p.tags = TagsParam(c.in, "Tags");
  IamManagedPolicy created;
  IAM_TRY(c.store.CreatePolicy(p, doc, &created));
  json j = PolicyJson(created);
  (*c.out)["Policy"] = j;
  return EmuError::Ok();
}

EmuError GetPolicy(const IamCall& c) {
  std::string arn;
  IAM_TRY(Required(c.in, "PolicyArn", &arn));
  IamManagedPolicy p;
  IAM_TRY(c.store.GetPolicy(arn, &p));
  (*c.out)["Policy"] = PolicyJson(p);
  return EmuError::Ok();
}

EmuError DeletePolicy(const IamCall& c) {
  std::string arn;
  IAM_TRY(Required(c.in, "PolicyArn", &arn));
  return c.store.DeletePolicy(arn);
}

EmuError ListPolicies(const IamCall& c) {
  std::string scope = Optional(c.in, "Scope", "All");
  if (scope != "All" && scope != "AWS" && scope != "Local")
    return {400, "ValidationError",
            "1 validation error detected: Value '" + scope +
                "' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]"};
  bool only_attached = Optional(c.in, "OnlyAttached") == "true";
  return Page(c.in, c.store.ListPolicies(scope, only_attached, Optional(c.in, "PathPrefix")), "Policies", PolicyJson,
              c.out);
}

EmuError CreatePolicyVersion(const IamCall& c) {
  std::string arn, doc;
  IAM_TRY(Required(c.in, "PolicyArn", &arn));
  IAM_TRY(Required(c.in, "PolicyDocument", &doc));
  bool set_default = Optional(c.in, "SetAsDefault") == "true";
  IamPolicyVersion v;
  IAM_TRY(c.store.CreatePolicyVersion(arn, doc, set_default, &v));
  (*c.out)["PolicyVersion"] = VersionJson(v, set_default ? v.id : "", false);
  return EmuError::Ok();
}

EmuError GetPolicyVersion(const IamCall& c) {
  std::string arn, version;
  IAM_TRY(Required(c.in, "PolicyArn", &arn));
  IAM_TRY(Required(c.in, "VersionId", &version));
  IamPolicyVersion v;
  IAM_TRY(c.store.GetPolicyVersion(arn, version, &v));
  IamManagedPolicy p;
  IAM_TRY(c.store.GetPolicy(arn, &p));
  (*c.out)["PolicyVersion"] = VersionJson(v, p.default_version, true);
  return EmuError::Ok();
}

EmuError DeletePolicyVersion(const IamCall& c) {
  std::string arn, version;
  IAM_TRY(Required(c.in, "PolicyArn", &arn));
  IAM_TRY(Required(c.in, "VersionId", &version));
  return c.store.DeletePolicyVersion(arn, version);
}

EmuError ListPolicyVersions(const IamCall& c) {
  std::string arn;
  IAM_TRY(Required(c.in, "PolicyArn", &arn));
  IamManagedPolicy p;
  IAM_TRY(c.store.GetPolicy(arn, &p));
  std::vector<IamPolicyVersion> newest_first(p.versions.rbegin(), p.versions.rend());
  return Page(
      c.in, newest_first, "Versions",
      [&](const IamPolicyVersion& v) { return VersionJson(v, p.default_version, false); }, c.out);
}

// ---- instance profiles ---------------------------------------------------

EmuError CreateInstanceProfile(const IamCall& c) {
  IamInstanceProfile p;
  IAM_TRY(Required(c.in, "InstanceProfileName", &p.name));
  IAM_TRY(CheckName(p.name, "instanceProfileName", 128));
  p.path = Optional(c.in, "Path", "/");
  IAM_TRY(CheckPath(p.path));
  p.tags = TagsParam(c.in, "Tags");
  IamInstanceProfile created;
  IAM_TRY(c.store.CreateInstanceProfile(p, &created));
  (*c.out)["InstanceProfile"] = ProfileJson(c.store, created);
  return EmuError::Ok();
}

EmuError GetInstanceProfile(const IamCall& c) {
  std::string name;
  IAM_TRY(Required(c.in, "InstanceProfileName", &name));
  IamInstanceProfile p;
  IAM_TRY(c.store.GetInstanceProfile(name, &p));
  (*c.out)["InstanceProfile"] = ProfileJson(c.store, p);
  return EmuError::Ok();
}

EmuError DeleteInstanceProfile(const IamCall& c) {
  std::string name;
  IAM_TRY(Required(c.in, "InstanceProfileName", &name));
  return c.store.DeleteInstanceProfile(name);
}

EmuError ListInstanceProfiles(const IamCall& c) {
  return Page(
      c.in, c.store.ListInstanceProfiles(Optional(c.in, "PathPrefix")), "InstanceProfiles",
      [&](const IamInstanceProfile& p) { return ProfileJson(c.store, p); }, c.out);
}

EmuError ListInstanceProfilesForRole(const IamCall& c) {
  std::string role;
  IAM_TRY(Required(c.in, "RoleName", &role));
  std::vector<IamInstanceProfile> profiles;
  IAM_TRY(c.store.InstanceProfilesForRole(role, &profiles));
  return Page(
      c.in, profiles, "InstanceProfiles", [&](const IamInstanceProfile& p) { return ProfileJson(c.store, p); }, c.out);
}

EmuError AddRoleToInstanceProfile(const IamCall& c) {
  std::string profile, role;
  IAM_TRY(Required(c.in, "InstanceProfileName", &profile));
  IAM_TRY(Required(c.in, "RoleName", &role));
  return c.store.AddRoleToInstanceProfile(profile, role);
}

EmuError RemoveRoleFromInstanceProfile(const IamCall& c) {
  std::string profile, role;
  IAM_TRY(Required(c.in, "InstanceProfileName", &profile));
  IAM_TRY(Required(c.in, "RoleName", &role));
  return c.store.RemoveRoleFromInstanceProfile(profile, role);
}

// ---- tags ----------------------------------------------------------------

// The tag operations of one kind of resource: its store kind and the
// parameter naming it.
struct TagTarget {
  const char* kind;
  const char* param;
};
constexpr TagTarget kRoleTags{"role", "RoleName"};
constexpr TagTarget kPolicyTags{"policy", "PolicyArn"};
constexpr TagTarget kProfileTags{"instance-profile", "InstanceProfileName"};

template <const TagTarget& T>
EmuError TagResource(const IamCall& c) {
  std::string name;
  IAM_TRY(Required(c.in, T.param, &name));
  IamTags tags = TagsParam(c.in, "Tags");
  if (tags.empty()) return MissingParam("Tags");
  return c.store.Tag(T.kind, name, tags);
}

template <const TagTarget& T>
EmuError UntagResource(const IamCall& c) {
  std::string name;
  IAM_TRY(Required(c.in, T.param, &name));
  std::vector<std::string> keys = StringMembers(c.in, "TagKeys");
  if (keys.empty()) return MissingParam("TagKeys");
  return c.store.Untag(T.kind, name, keys);
}

template <const TagTarget& T>
EmuError ListResourceTags(const IamCall& c) {
  std::string name;
  IAM_TRY(Required(c.in, T.param, &name));
  IamTags tags;
  IAM_TRY(c.store.ListTags(T.kind, name, &tags));
  return Page(
      c.in, tags, "Tags",
      [](const std::pair<std::string, std::string>& t) {
        return json{{"Key", t.first}, {"Value", t.second}};
      },
      c.out);
}

#undef IAM_TRY

using IamHandler = EmuError (*)(const IamCall&);
constexpr IamHolderKind kRole = IamHolderKind::kRole;
constexpr IamHolderKind kGroup = IamHolderKind::kGroup;
const OperationRow<IamHandler> kOperations[] = {
    {"CreateRole", CreateRole},
    {"GetRole", GetRole},
    {"DeleteRole", DeleteRole},
    {"ListRoles", ListRoles},
    {"UpdateAssumeRolePolicy", UpdateAssumeRolePolicy},
    {"CreateServiceLinkedRole", CreateServiceLinkedRole},
    {"PutRolePolicy", PutHolderPolicy<kRole>},
    {"GetRolePolicy", GetHolderPolicy<kRole>},
    {"DeleteRolePolicy", DeleteHolderPolicy<kRole>},
    {"ListRolePolicies", ListHolderPolicies<kRole>},
    {"AttachRolePolicy", AttachHolderPolicy<kRole>},
    {"DetachRolePolicy", DetachHolderPolicy<kRole>},
    {"ListAttachedRolePolicies", ListAttachedHolderPolicies<kRole>},
    {"TagRole", TagResource<kRoleTags>},
    {"UntagRole", UntagResource<kRoleTags>},
    {"ListRoleTags", ListResourceTags<kRoleTags>},
    {"CreateGroup", CreateGroup},
    {"GetGroup", GetGroup},
    {"DeleteGroup", DeleteGroup},
    {"ListGroups", ListGroups},
    {"PutGroupPolicy", PutHolderPolicy<kGroup>},
    {"GetGroupPolicy", GetHolderPolicy<kGroup>},
    {"DeleteGroupPolicy", DeleteHolderPolicy<kGroup>},
    {"ListGroupPolicies", ListHolderPolicies<kGroup>},
    {"AttachGroupPolicy", AttachHolderPolicy<kGroup>},
    {"DetachGroupPolicy", DetachHolderPolicy<kGroup>},
    {"ListAttachedGroupPolicies", ListAttachedHolderPolicies<kGroup>},
    {"CreatePolicy", CreatePolicy},
    {"GetPolicy", GetPolicy},
    {"DeletePolicy", DeletePolicy},
    {"ListPolicies", ListPolicies},
    {"CreatePolicyVersion", CreatePolicyVersion},
    {"GetPolicyVersion", GetPolicyVersion},
    {"DeletePolicyVersion", DeletePolicyVersion},
    {"ListPolicyVersions", ListPolicyVersions},
    {"TagPolicy", TagResource<kPolicyTags>},
    {"UntagPolicy", UntagResource<kPolicyTags>},
    {"ListPolicyTags", ListResourceTags<kPolicyTags>},
    {"CreateInstanceProfile", CreateInstanceProfile},
    {"GetInstanceProfile", GetInstanceProfile},
    {"DeleteInstanceProfile", DeleteInstanceProfile},
    {"ListInstanceProfiles", ListInstanceProfiles},
    {"ListInstanceProfilesForRole", ListInstanceProfilesForRole},
    {"AddRoleToInstanceProfile", AddRoleToInstanceProfile},
    {"RemoveRoleFromInstanceProfile", RemoveRoleFromInstanceProfile},
    {"TagInstanceProfile", TagResource<kProfileTags>},
    {"UntagInstanceProfile", UntagResource<kProfileTags>},
    {"ListInstanceProfileTags", ListResourceTags<kProfileTags>},
};

}  // namespace

std::string IamService::OperationName(const EmuRequest& req) const { return QueryAction(req); }

void IamService::Handle(const EmuRequest& req, EmuResponse* resp) {
  const std::string request_id = NewQueryRequestId();
  resp->headers.emplace_back("x-amzn-RequestId", request_id);
  json in = QueryTree(QueryParams(req));
  const std::string action = Optional(in, "Action");
  IamHandler handler = FindHandler(kOperations, action);
  json out = json::object();
  EmuError e = handler ? handler(IamCall{*store_, in, &out})
                       : EmuError{400, "InvalidAction",
                                  action.empty() ? "The request has no Action parameter."
                                                 : "Could not find operation " + action + " for version 2010-05-08"};
  if (!e.ok()) return RenderError(WireProtocol::kQuery, e, request_id, resp);
  resp->status = 200;
  resp->content_type = "text/xml";
  resp->body = QueryXml(action, kIamNs, request_id, out);
}

}  // namespace awsemu
