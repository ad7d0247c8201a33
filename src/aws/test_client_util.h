// Test-only helper (included by *_test.cc files): the AwsClient options every
// loopback test starts from, so the fake keys and the endpoint override live
// in one place and each test sets only the retry and transport knobs it is
// about.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "aws/aws_client.h"
#include "aws/credential_chain.h"
#include "aws/env.h"

namespace ferry::aws::testing {

// Options that send every request to `endpoint` (via AWS_ENDPOINT_URL in a
// private environment) signed with fixed fake keys in `region`.
inline AwsClient::Options LoopbackClientOptions(const std::string& endpoint, const std::string& region = "eu-west-1") {
  auto env = std::make_shared<MapEnv>();
  env->Set("AWS_ENDPOINT_URL", endpoint);
  AwsClient::Options o;
  o.credentials = std::make_shared<StaticCredentials>(Credentials{"AKIDTEST", "SECRETTEST", "", std::nullopt});
  o.region = region;
  o.env = env;
  return o;
}

}  // namespace ferry::aws::testing
