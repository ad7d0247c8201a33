#include "awsemu/trust_policy.h"

#include <fnmatch.h>

#include "awsemu/auth.h"
#include "awsemu/iam_store.h"
#include "util/text.h"

namespace awsemu {

using nlohmann::json;

std::optional<EmuRole> IamRoleDirectory::FindByArn(const std::string& arn) const {
  std::optional<IamRole> r = iam_->FindRole(arn);
  if (!r) return std::nullopt;
  EmuRole role;
  role.name = r->name;
  role.arn = r->arn;
  role.trust_policy = json::parse(r->trust_policy, nullptr, false);
  if (role.trust_policy.is_discarded()) return std::nullopt;
  return role;
}

namespace {

std::vector<std::string> Strings(const json& v) {
  std::vector<std::string> out;
  if (v.is_string()) out.push_back(v.get<std::string>());
  if (v.is_array())
    for (const json& x : v)
      if (x.is_string()) out.push_back(x.get<std::string>());
  return out;
}

bool ActionMatches(const json& action, const std::string& wanted) {
  for (const std::string& a : Strings(action))
    if (a == "*" || a == "sts:*" || a == wanted) return true;
  return false;
}

// arn:aws:sts::ACCT:assumed-role/NAME/SESSION also answers to the role's
// own ARN, as IAM matches it.
bool AwsPrincipalMatches(const std::string& p, const std::string& caller) {
  if (p == "*" || p == caller) return true;
  const std::string account = kAccountId;
  if (p == account || p == "arn:aws:iam::" + account + ":root") return ferry::StartsWith(caller, "arn:aws:");
  const std::string assumed = "arn:aws:sts::" + account + ":assumed-role/";
  if (ferry::StartsWith(caller, assumed)) {
    std::string rest = caller.substr(assumed.size());
    std::string role = rest.substr(0, rest.find('/'));
    if (!ferry::StartsWith(p, "arn:aws:iam::" + account + ":role/")) return false;
    std::string name = p.substr(p.rfind('/') + 1);
    return name == role;
  }
  return false;
}

bool PrincipalMatches(const json& principal, const TrustRequest& r) {
  if (principal.is_string()) return principal.get<std::string>() == "*";
  if (!principal.is_object()) return false;
  if (r.action == "sts:AssumeRoleWithWebIdentity") {
    for (const std::string& f : Strings(principal.value("Federated", json())))
      if (f == r.issuer || "https://" + f == r.issuer || f == "*") return true;
    return false;
  }
  for (const std::string& p : Strings(principal.value("AWS", json())))
    if (AwsPrincipalMatches(p, r.caller_arn)) return true;
  return false;
}

std::string Bare(const std::string& issuer) {
  return ferry::StartsWith(issuer, "https://") ? issuer.substr(8) : issuer;
}

// The value a condition key has for this request; false if the check does
// not know the key.
bool ConditionValue(const std::string& key, const TrustRequest& r, std::string* v) {
  if (key == "sts:ExternalId") {
    *v = r.external_id;
    return true;
  }
  const std::string iss = Bare(r.issuer);
  if (!iss.empty() && key == iss + ":aud") {
    *v = r.audience;
    return true;
  }
  if (!iss.empty() && key == iss + ":sub") {
    *v = r.subject;
    return true;
  }
  return false;
}

// True when every condition holds; *unsupported says why it cannot be judged.
bool ConditionsHold(const json& cond, const TrustRequest& r, std::string* unsupported) {
  if (cond.is_null()) return true;
  if (!cond.is_object()) {
    *unsupported = "Condition is not an object";
    return false;
  }
  for (const auto& [op, tests] : cond.items()) {
    if (op != "StringEquals" && op != "StringLike") {
      *unsupported = "condition operator " + op + " is not emulated";
      return false;
    }
    if (!tests.is_object()) {
      *unsupported = "condition " + op + " is not an object";
      return false;
    }
    for (const auto& [key, want] : tests.items()) {
      std::string have;
      if (!ConditionValue(key, r, &have)) {
        *unsupported = "condition key " + key + " is not emulated";
        return false;
      }
      bool any = false;
      for (const std::string& w : Strings(want))
        any |= op == "StringEquals" ? w == have : fnmatch(w.c_str(), have.c_str(), 0) == 0;
      if (!any) return false;
    }
  }
  return true;
}

}  // namespace

TrustDecision EvaluateTrust(const json& policy, const TrustRequest& r) {
  TrustDecision d;
  if (!policy.is_object() || !policy.contains("Statement")) {
    d.reason = "the role's trust policy has no Statement";
    return d;
  }
  json statements = policy["Statement"];
  if (statements.is_object()) statements = json::array({statements});
  bool allowed = false;
  for (const json& st : statements) {
    if (!st.is_object() || !ActionMatches(st.value("Action", json()), r.action)) continue;
    if (!PrincipalMatches(st.value("Principal", json()), r)) continue;
    std::string unsupported;
    bool holds = ConditionsHold(st.value("Condition", json()), r, &unsupported);
    if (!unsupported.empty()) {
      d.reason = "the trust policy's " + unsupported;
      return d;
    }
    if (!holds) continue;
    if (st.value("Effect", "") == "Deny") {
      d.reason = "a Deny statement of the trust policy matches";
      return d;
    }
    if (st.value("Effect", "") == "Allow") allowed = true;
  }
  d.allowed = allowed;
  if (!allowed) d.reason = "no statement of the role's trust policy allows " + r.action + " for this caller";
  return d;
}

}  // namespace awsemu
