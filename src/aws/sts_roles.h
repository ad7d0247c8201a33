// Temporary credentials from STS: AssumeRole (signed with the source
// credentials) and AssumeRoleWithWebIdentity (unsigned, with an OIDC token).
// The requests (checked against botocore's STS model by
// awssetup/request_models_test.cc) and the XML answers are pure; the two
// calls go through their own AwsClient on a private transport, because they
// run inside CredentialChain::Get(), which may be called on the transport
// thread of the client that needs the credentials.
#pragma once

#include <memory>
#include <string>

#include "aws/aws_client.h"
#include "aws/credentials.h"
#include "aws/env.h"
#include "aws/settings.h"
#include "util/status.h"

namespace ferry::aws {

struct RoleRequest {
  std::string role_arn;
  std::string session_name;
  std::string external_id;   // AssumeRole only; empty: not sent
  int duration_seconds = 0;  // 0: STS's default (one hour)
};

struct RoleCredentials {
  Credentials credentials;
  std::string assumed_role_arn;  // arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION
};

// Form bodies (query protocol, version 2011-06-15).
std::string AssumeRoleBody(const RoleRequest& r);
std::string AssumeRoleWithWebIdentityBody(const RoleRequest& r, const std::string& token);
// The two calls as they are sent (query protocol: a POST of the form to
// "/"), before the endpoint is resolved and the request signed.
ServiceRequest AssumeRoleRequest(const RoleRequest& r);
ServiceRequest AssumeRoleWithWebIdentityRequest(const RoleRequest& r, const std::string& token);
// Parses <ActionResponse><ActionResult><Credentials>... into *out.
Status ParseRoleCredentials(const std::string& xml, const std::string& action, RoleCredentials* out);

// Where STS calls go: the settings' endpoint, AWS_ENDPOINT_URL_STS,
// AWS_ENDPOINT_URL, else sts.REGION.amazonaws.com.
struct StsTarget {
  AwsSettings settings;
  std::shared_ptr<const Env> env;
  std::string region;
};

Status AssumeRole(const StsTarget& target, const Credentials& source, const RoleRequest& r, RoleCredentials* out);
Status AssumeRoleWithWebIdentity(const StsTarget& target, const RoleRequest& r, const std::string& token,
                                 RoleCredentials* out);

// The session name ferry uses when a profile names none: "ferry-<unix time>".
std::string DefaultRoleSessionName();

}  // namespace ferry::aws
