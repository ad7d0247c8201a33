// A small STS client: GetCallerIdentity (who the credentials belong to), used
// by `ferry aws whoami` and as a credentials check.
#pragma once

#include <string>

#include "aws/aws_client.h"

namespace ferry::aws {

struct CallerIdentity {
  std::string account, arn, user_id;
};

Status GetCallerIdentity(AwsClient& client, CallerIdentity* out);
// The call as it is sent (query protocol), before it is signed.
ServiceRequest GetCallerIdentityRequest();
// An STS call in the query protocol: a POST of the form `body`
// ("Action=...&Version=2011-06-15&...") to "/". AssumeRole and
// AssumeRoleWithWebIdentity (sts_roles) are built on it too.
ServiceRequest StsFormRequest(const std::string& action, std::string body);
// Parses the GetCallerIdentity XML response.
Status ParseCallerIdentity(const std::string& xml, CallerIdentity* out);

}  // namespace ferry::aws
