#include "aws/profile_chain.h"

#include <algorithm>
#include <map>

namespace ferry::aws {

namespace {

using Keys = std::map<std::string, std::string>;

std::string Get(const Keys& m, const char* k) {
  auto it = m.find(k);
  return it == m.end() ? std::string() : it->second;
}

std::string Where(const std::string& profile) { return "profile '" + profile + "'"; }

std::string Path(const std::vector<std::string>& seen, const std::string& last) {
  std::string s;
  for (const std::string& p : seen) s += p + " -> ";
  return s + last;
}

Status ParseRole(const std::string& profile, const Keys& m, const std::string& session_default, RoleRequest* r) {
  r->role_arn = Get(m, "role_arn");
  r->session_name = Get(m, "role_session_name");
  if (r->session_name.empty()) r->session_name = session_default;
  r->external_id = Get(m, "external_id");
  std::string d = Get(m, "duration_seconds");
  if (!d.empty()) {
    if (d.size() > 6 || d.find_first_not_of("0123456789") != std::string::npos)
      return Status::Invalid(Where(profile) + ": duration_seconds = " + d +
                             " is not a whole number of seconds (e.g. duration_seconds = 3600)");
    r->duration_seconds = std::stoi(d);
  }
  if (!Get(m, "mfa_serial").empty())
    return Status::Invalid(Where(profile) +
                           " sets mfa_serial: ferry cannot ask for an MFA code while it runs "
                           "pipelines unattended. Get credentials first, e.g. `eval $(aws configure "
                           "export-credentials --profile " +
                           profile + " --format env)`, or use a role without MFA");
  return Status::Ok();
}

Status PlanSso(const ProfileFiles& files, const std::string& profile, const Keys& m, SsoProfile* out) {
  SsoProfile s;
  s.profile = profile;
  s.session = Get(m, "sso_session");
  s.account_id = Get(m, "sso_account_id");
  s.role_name = Get(m, "sso_role_name");
  s.start_url = Get(m, "sso_start_url");
  s.region = Get(m, "sso_region");
  std::vector<std::string> missing;
  if (!s.session.empty()) {
    const Keys* sec = files.config.Section("sso-session " + s.session);
    if (!sec)
      return Status::Invalid(Where(profile) + ": sso_session = " + s.session + " but " + files.config_path +
                             " has no [sso-session " + s.session + "] section");
    for (const char* k : {"sso_start_url", "sso_region"}) {
      std::string in_session = Get(*sec, k);
      std::string in_profile = Get(m, k);
      if (!in_profile.empty() && !in_session.empty() && in_profile != in_session)
        return Status::Invalid(Where(profile) + ": " + k + " is " + in_profile + " here but " + in_session +
                               " in [sso-session " + s.session + "]; remove one");
    }
    if (s.start_url.empty()) s.start_url = Get(*sec, "sso_start_url");
    if (s.region.empty()) s.region = Get(*sec, "sso_region");
  }
  if (s.start_url.empty()) missing.push_back("sso_start_url");
  if (s.region.empty()) missing.push_back("sso_region");
  if (s.account_id.empty()) missing.push_back("sso_account_id");
  if (s.role_name.empty()) missing.push_back("sso_role_name");
  if (!missing.empty()) {
    std::string list;
    for (const std::string& k : missing) list += (list.empty() ? "" : ", ") + k;
    return Status::Invalid(Where(profile) + " is an SSO profile but lacks " + list +
                           "; run `aws configure sso --profile " + profile + "` to set it up");
  }
  *out = std::move(s);
  return Status::Ok();
}

}  // namespace

Status PlanProfile(const ProfileFiles& files, const std::string& start, const std::string& session_default,
                   ProfilePlan* out) {
  ProfilePlan plan;
  std::vector<std::string> seen;
  std::string profile = start;
  for (;;) {
    if (!files.HasProfile(profile))
      return Status::Invalid(Where(seen.empty() ? profile : seen.back()) + ": source_profile = " + profile +
                             " but no profile '" + profile + "' exists in " + files.credentials_path + " or " +
                             files.config_path);
    Keys m = files.Merged(profile);
    const std::string role_arn = Get(m, "role_arn");
    const std::string source_profile = Get(m, "source_profile");
    const std::string credential_source = Get(m, "credential_source");
    const std::string token_file = Get(m, "web_identity_token_file");
    const bool has_keys = !Get(m, "aws_access_key_id").empty() || !Get(m, "aws_secret_access_key").empty();
    // A profile that is its own source_profile uses its keys for its role.
    const bool self_source = source_profile == profile && has_keys;
    if (!role_arn.empty()) {
      int sources = !source_profile.empty() + !credential_source.empty() + !token_file.empty();
      if (sources > 1)
        return Status::Invalid(Where(profile) +
                               " sets more than one of source_profile, credential_source and "
                               "web_identity_token_file; keep one");
      if (sources == 0)
        return Status::Invalid(Where(profile) + " sets role_arn = " + role_arn +
                               " but not where the credentials to assume it come from; add source_profile, "
                               "credential_source or web_identity_token_file");
      RoleRequest role;
      FERRY_RETURN_IF_ERROR(ParseRole(profile, m, session_default, &role));
      if (!token_file.empty()) {
        plan.base = ProfilePlan::Base::kWebIdentity;
        plan.base_profile = profile;
        plan.web_identity_token_file = token_file;
        plan.web_identity_role = role;
        break;
      }
      plan.roles.push_back({profile, role});
      if (!credential_source.empty()) {
        static const char* kSources[] = {"Environment", "Ec2InstanceMetadata", "EcsContainer"};
        if (std::find(std::begin(kSources), std::end(kSources), credential_source) == std::end(kSources))
          return Status::Invalid(Where(profile) + ": credential_source = " + credential_source +
                                 " is not one of Environment, Ec2InstanceMetadata, EcsContainer");
        plan.base = ProfilePlan::Base::kCredentialSource;
        plan.base_profile = profile;
        plan.credential_source = credential_source;
        break;
      }
      if (!self_source) {
        seen.push_back(profile);
        if (std::find(seen.begin(), seen.end(), source_profile) != seen.end())
          return Status::Invalid("profiles form a loop through source_profile: " + Path(seen, source_profile) +
                                 "; end the chain at a profile with keys or a credential_source");
        profile = source_profile;
        continue;
      }
    }
    plan.base_profile = profile;
    if (has_keys) {
      std::string id = Get(m, "aws_access_key_id"), secret = Get(m, "aws_secret_access_key");
      if (id.empty() || secret.empty())
        return Status::Invalid(Where(profile) + ": aws_access_key_id and aws_secret_access_key must both be set");
      plan.base = ProfilePlan::Base::kStaticKeys;
      plan.static_keys = Credentials{id, secret, Get(m, "aws_session_token"), std::nullopt};
      const Keys* in_creds = files.credentials.Section(profile);
      plan.base_file = in_creds && in_creds->count("aws_access_key_id") ? files.credentials_path : files.config_path;
    } else if (!Get(m, "credential_process").empty()) {
      plan.base = ProfilePlan::Base::kCredentialProcess;
      plan.credential_process = Get(m, "credential_process");
    } else if (!Get(m, "sso_session").empty() || !Get(m, "sso_account_id").empty() ||
               !Get(m, "sso_role_name").empty() || !Get(m, "sso_start_url").empty()) {
      plan.base = ProfilePlan::Base::kSso;
      FERRY_RETURN_IF_ERROR(PlanSso(files, profile, m, &plan.sso));
    } else if (!plan.roles.empty()) {
      return Status::Invalid(Where(plan.roles.back().profile) + ": source_profile = " + profile + ", but " +
                             Where(profile) + " has no credentials (no keys, credential_process, SSO or role)");
    }
    break;
  }
  // Assumed innermost first: the profile nearest the base credentials.
  std::reverse(plan.roles.begin(), plan.roles.end());
  *out = std::move(plan);
  return Status::Ok();
}

}  // namespace ferry::aws
