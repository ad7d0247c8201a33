// What the user told ferry about AWS, before any chain runs: values from
// ferry.config (aws.accessKey, aws.secretKey, aws.region, aws.profile,
// aws.client.endpoint, the S3 object settings of aws.client.*) and from
// command-line flags (--region, --profile, --endpoint-url, ferry s3's --sse,
// --acl, ...). Each carries a label saying where it came from, so errors
// and `ferry aws whoami` can name the source.
#pragma once

#include <string>

#include "aws/s3_object_settings.h"

namespace ferry::aws {

// How a user picks a profile, for the missing-credentials advice. Commands
// with a --profile option (ferry s3, aws whoami, build) keep the default;
// ferry run and ferry clean read aws.profile from their config instead.
inline constexpr const char* kFlagProfileHint = "--profile or AWS_PROFILE";
inline constexpr const char* kConfigProfileHint = "aws.profile in ferry.config or AWS_PROFILE";

struct AwsSettings {
  std::string access_key, secret_key, session_token;
  std::string keys_origin = "config aws.accessKey/aws.secretKey";
  std::string region;
  std::string region_origin = "aws.region";
  std::string profile;
  std::string profile_origin = "aws.profile";
  // --profile on a command line beats environment keys, as with the aws CLI.
  bool profile_overrides_env = false;
  std::string endpoint_url;
  std::string endpoint_origin = "aws.client.endpoint";
  std::string s3_addressing = "auto";  // "auto", "path" or "virtual"
  int max_attempts = 0;                // 0: AWS_MAX_ATTEMPTS or 3
  std::string profile_hint = kFlagProfileHint;
  S3ObjectSettings s3;  // encryption, storage class, ACL, requester pays, anonymous
};

}  // namespace ferry::aws
