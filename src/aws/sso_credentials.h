// Role credentials of an IAM Identity Center (SSO) profile: the access token
// `aws sso login` caches in ~/.aws/sso/cache/<sha1 of the session name, or
// of the start URL for legacy profiles>.json, exchanged at the SSO portal
// (GetRoleCredentials, GET /federation/credentials, a bearer token header,
// no signature) for temporary keys. Token loading, the request (checked
// against botocore's SSO model by awssetup/request_models_test.cc) and the
// answer's parsing are pure; the portal call uses a private AwsClient (see
// sts_roles.h why).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "aws/aws_client.h"
#include "aws/credentials.h"
#include "aws/env.h"
#include "aws/settings.h"
#include "util/status.h"

namespace ferry::aws {

struct SsoProfile {
  std::string profile;     // the profile being resolved, for `aws sso login --profile P`
  std::string session;     // sso_session name; empty for a legacy profile
  std::string start_url;   // sso_start_url
  std::string region;      // sso_region: where the portal is
  std::string account_id;  // sso_account_id
  std::string role_name;   // sso_role_name
};

// The cache file holding the token of `p`.
std::string SsoTokenCachePath(const SsoProfile& p, const Env& env);

// Reads the cached token; a missing, unreadable or expired token is an
// Invalid error that says to run `aws sso login --profile P`.
Status LoadSsoToken(const SsoProfile& p, const std::string& cache_text, bool cache_exists,
                    std::chrono::system_clock::time_point now, std::string* access_token);

// GetRoleCredentials as it is sent to `endpoint` (resolved for "sso"; when
// it is not a custom one, the portal of the profile's sso_region).
ServiceRequest SsoRoleCredentialsRequest(const SsoProfile& p, const std::string& access_token, Endpoint endpoint);

// Parses GetRoleCredentials' JSON ({"roleCredentials": {..., "expiration": ms}}).
Status ParseSsoRoleCredentials(const std::string& json, Credentials* out);

// Reads the token cache and asks the portal (settings' endpoint,
// AWS_ENDPOINT_URL_SSO, AWS_ENDPOINT_URL, else portal.sso.REGION.amazonaws.com).
Status GetSsoRoleCredentials(const SsoProfile& p, const AwsSettings& settings, std::shared_ptr<const Env> env,
                             Credentials* out);

}  // namespace ferry::aws
