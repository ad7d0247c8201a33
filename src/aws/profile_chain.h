// How a profile of the shared AWS files yields credentials, as the aws CLI
// resolves it: where the first credentials come from (static keys,
// credential_process, a credential_source, a web identity token file or
// SSO), then the roles assumed with them, following role_arn +
// source_profile from profile to profile. Pure: reads ProfileFiles, reports
// loops and contradictions naming the profiles; the provider
// (credential_providers.cc) carries the plan out.
#pragma once

#include <string>
#include <vector>

#include "aws/credentials.h"
#include "aws/profile_files.h"
#include "aws/sso_credentials.h"
#include "aws/sts_roles.h"
#include "util/status.h"

namespace ferry::aws {

struct ProfilePlan {
  enum class Base { kNone, kStaticKeys, kCredentialProcess, kCredentialSource, kWebIdentity, kSso };
  Base base = Base::kNone;
  std::string base_profile;  // the profile that holds the base credentials
  std::string base_file;     // kStaticKeys: the file the keys are in
  Credentials static_keys;
  std::string credential_process;
  std::string credential_source;  // "Environment", "Ec2InstanceMetadata" or "EcsContainer"
  std::string web_identity_token_file;
  RoleRequest web_identity_role;  // kWebIdentity: the role the token is exchanged for
  SsoProfile sso;
  // Assumed in order, each with the credentials the step before produced.
  struct Role {
    std::string profile;
    RoleRequest request;
  };
  std::vector<Role> roles;
};

// Plans `profile` (which must exist). Base kNone: the profile holds no
// credentials at all (the chain moves on). `session_name_default` fills
// role_session_name where a profile sets none.
Status PlanProfile(const ProfileFiles& files, const std::string& profile, const std::string& session_name_default,
                   ProfilePlan* out);

}  // namespace ferry::aws
