// IamStore: the IAM account ferry-awsemu keeps (roles with their trust
// policies, inline and managed policies, instance profiles, groups, tags),
// with the rules IAM enforces (unique names, NoSuchEntity, DeleteConflict
// while something is still attached). Every service of the emulator shares
// one store: IamService answers the IAM API from it, Batch asks it whether a
// compute environment's roles exist, STS may ask FindRole for a role's trust
// policy. Pure logic behind one mutex: no I/O, so it is unit-tested directly.
//
// A fresh store holds what a new AWS account has: the AWS managed policies
// Batch set-ups use (arn:aws:iam::aws:policy/...), plus the "ecsInstanceRole"
// role and instance profile that the Batch console creates on first use, so
// that compute environments naming it keep working.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "awsemu/emu_error.h"

namespace awsemu {

// Tags in the order they were first set (IAM lists them that way).
using IamTags = std::vector<std::pair<std::string, std::string>>;

// What roles and groups share: inline policies (name -> JSON document) and
// attached managed policies (ARNs, in attach order).
struct IamPolicyHolder {
  std::string name, path, arn, id, create_date;
  std::map<std::string, std::string> inline_policies;
  std::vector<std::string> attached;
};

struct IamRole : IamPolicyHolder {
  std::string trust_policy;  // AssumeRolePolicyDocument, JSON text as given
  std::string description;
  int max_session_duration = 3600;
  IamTags tags;
};

struct IamGroup : IamPolicyHolder {};

struct IamPolicyVersion {
  std::string id;  // "v1", "v2", ...
  std::string document;
  std::string create_date;
};

struct IamManagedPolicy {
  std::string name, path, arn, id, description, create_date, update_date;
  std::vector<IamPolicyVersion> versions;  // oldest first
  std::string default_version;
  int next_version = 1;
  int attachment_count = 0;
  bool aws_managed = false;  // arn:aws:iam::aws:policy/...
  IamTags tags;
};

struct IamInstanceProfile {
  std::string name, path, arn, id, create_date;
  std::vector<std::string> roles;  // role names (IAM allows one)
  IamTags tags;
};

// Roles and groups carry policies the same way; operations on either name
// the kind.
enum class IamHolderKind { kRole, kGroup };

class IamStore {
 public:
  IamStore();

  // The role named `name_or_arn` ("name" or "arn:aws:iam::ACCOUNT:role[/path]/name"),
  // with its trust policy; nullopt when there is none. For STS and Batch.
  std::optional<IamRole> FindRole(const std::string& name_or_arn) const;
  // The instance profile so named (name or ARN), for Batch's instanceRole.
  std::optional<IamInstanceProfile> FindInstanceProfile(const std::string& name_or_arn) const;

  // Roles.
  EmuError CreateRole(IamRole role, IamRole* out);
  EmuError GetRole(const std::string& name, IamRole* out) const;
  EmuError DeleteRole(const std::string& name);
  std::vector<IamRole> ListRoles(const std::string& path_prefix) const;
  EmuError UpdateAssumeRolePolicy(const std::string& name, const std::string& document);
  // Service-linked roles: AWSServiceRoleFor... for `service`
  // ("batch.amazonaws.com").
  EmuError CreateServiceLinkedRole(const std::string& service, const std::string& description, IamRole* out);

  // Groups.
  EmuError CreateGroup(const std::string& name, const std::string& path, IamGroup* out);
  EmuError GetGroup(const std::string& name, IamGroup* out) const;
  EmuError DeleteGroup(const std::string& name);
  std::vector<IamGroup> ListGroups(const std::string& path_prefix) const;

  // Inline and attached policies of a role or group.
  EmuError PutInlinePolicy(IamHolderKind kind, const std::string& holder, const std::string& policy,
                           const std::string& document);
  EmuError GetInlinePolicy(IamHolderKind kind, const std::string& holder, const std::string& policy,
                           std::string* document) const;
  EmuError DeleteInlinePolicy(IamHolderKind kind, const std::string& holder, const std::string& policy);
  EmuError ListInlinePolicies(IamHolderKind kind, const std::string& holder, std::vector<std::string>* names) const;
  EmuError AttachPolicy(IamHolderKind kind, const std::string& holder, const std::string& policy_arn);
  EmuError DetachPolicy(IamHolderKind kind, const std::string& holder, const std::string& policy_arn);
  // (name, ARN) of each attached policy.
  EmuError ListAttachedPolicies(IamHolderKind kind, const std::string& holder,
                                std::vector<std::pair<std::string, std::string>>* out) const;

  // Managed policies.
  EmuError CreatePolicy(IamManagedPolicy policy, const std::string& document, IamManagedPolicy* out);
  EmuError GetPolicy(const std::string& arn, IamManagedPolicy* out) const;
  EmuError DeletePolicy(const std::string& arn);
  // scope: "All", "AWS" or "Local".
  std::vector<IamManagedPolicy> ListPolicies(const std::string& scope, bool only_attached,
                                             const std::string& path_prefix) const;
  EmuError CreatePolicyVersion(const std::string& arn, const std::string& document, bool set_default,
                               IamPolicyVersion* out);
  EmuError GetPolicyVersion(const std::string& arn, const std::string& version, IamPolicyVersion* out) const;
  EmuError DeletePolicyVersion(const std::string& arn, const std::string& version);

  // Instance profiles.
  EmuError CreateInstanceProfile(IamInstanceProfile profile, IamInstanceProfile* out);
  EmuError GetInstanceProfile(const std::string& name, IamInstanceProfile* out) const;
  EmuError DeleteInstanceProfile(const std::string& name);
  std::vector<IamInstanceProfile> ListInstanceProfiles(const std::string& path_prefix) const;
  EmuError AddRoleToInstanceProfile(const std::string& profile, const std::string& role);
  EmuError RemoveRoleFromInstanceProfile(const std::string& profile, const std::string& role);
  // The profiles a role is in (ListInstanceProfilesForRole).
  EmuError InstanceProfilesForRole(const std::string& role, std::vector<IamInstanceProfile>* out) const;

  // Tags of a role ("role"), managed policy ("policy", by ARN) or instance
  // profile ("instance-profile").
  EmuError Tag(const std::string& kind, const std::string& name, const IamTags& tags);
  EmuError Untag(const std::string& kind, const std::string& name, const std::vector<std::string>& keys);
  EmuError ListTags(const std::string& kind, const std::string& name, IamTags* out) const;

  // Back to a fresh account.
  void Reset();

 private:
  void Seed();  // mu_ held
  IamPolicyHolder* Holder(IamHolderKind kind, const std::string& name);
  const IamPolicyHolder* Holder(IamHolderKind kind, const std::string& name) const;
  IamTags* TagsOf(const std::string& kind, const std::string& name);
  EmuError CreateRoleLocked(IamRole role, IamRole* out);

  mutable std::mutex mu_;
  std::map<std::string, IamRole> roles_;  // by name
  std::map<std::string, IamGroup> groups_;
  std::map<std::string, IamManagedPolicy> policies_;  // by ARN
  std::map<std::string, IamInstanceProfile> profiles_;
};

// "arn:aws:iam::ACCOUNT:KIND" + path + name, e.g. kind "role".
std::string IamArn(const std::string& kind, const std::string& path, const std::string& name);

// Checks a policy document the way IAM does before storing it: JSON, an
// object with a Version of "2012-10-17" or "2008-10-17" when given, and a
// Statement. Returns MalformedPolicyDocument otherwise.
EmuError CheckPolicyDocument(const std::string& document);

}  // namespace awsemu
