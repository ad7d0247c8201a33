// Who may assume an emulated role: the roles STS knows (behind a small
// RoleDirectory interface; the emulator's IAM store serves it, holding the
// roles made with iam:CreateRole or POST /_emu/roles) and the check of a
// role's trust policy against one AssumeRole / AssumeRoleWithWebIdentity
// call. Pure: the policy is JSON, the caller is described by TrustRequest.
//
// What the check understands (anything else in a matching statement denies,
// with a reason, rather than being ignored): Effect Allow/Deny; Action
// "sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:*" or "*" (a
// string or a list); Principal "*" or {"AWS": ARN, account id, account root
// ARN or "*"} or {"Federated": issuer}; Condition StringEquals / StringLike
// on "sts:ExternalId", "ISSUER:aud" and "ISSUER:sub" (ISSUER without
// https://).
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace awsemu {

struct EmuRole {
  std::string name;
  std::string arn;  // arn:aws:iam::ACCOUNT:role/PATH/NAME
  nlohmann::json trust_policy;
};

class RoleDirectory {
 public:
  virtual ~RoleDirectory() = default;
  virtual std::optional<EmuRole> FindByArn(const std::string& arn) const = 0;
};

// The roles the emulator's IAM holds, as STS sees them. A trust policy that
// is not JSON (IAM refuses those at CreateRole) makes the role unknown.
class IamRoleDirectory : public RoleDirectory {
 public:
  explicit IamRoleDirectory(const class IamStore* iam) : iam_(iam) {}
  std::optional<EmuRole> FindByArn(const std::string& arn) const override;

 private:
  const class IamStore* iam_;
};

struct TrustRequest {
  std::string action;       // "sts:AssumeRole" or "sts:AssumeRoleWithWebIdentity"
  std::string caller_arn;   // AssumeRole: the signer's ARN (user or assumed-role)
  std::string external_id;  // AssumeRole: ExternalId, if sent
  std::string issuer;       // web identity: the token's iss
  std::string audience, subject;
};

struct TrustDecision {
  bool allowed = false;
  std::string reason;  // why not, for the AccessDenied message
};

TrustDecision EvaluateTrust(const nlohmann::json& policy, const TrustRequest& r);

}  // namespace awsemu
