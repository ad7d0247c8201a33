// The region chain: settings (--region / aws.region), AWS_REGION,
// AWS_DEFAULT_REGION, the profile's `region`, then instance metadata; else an
// error that lists what was tried and how to fix it.
#pragma once

#include <string>

#include "aws/env.h"
#include "aws/settings.h"
#include "util/status.h"

namespace ferry::aws {

struct RegionResult {
  std::string region;
  std::string source;  // "AWS_REGION", "profile 'dev' in ~/.aws/config", ...
};

Status ResolveRegion(const AwsSettings& settings, const Env& env, RegionResult* out);

}  // namespace ferry::aws
