// `ferry aws whoami`: which credentials and region ferry would use and where
// each came from (the access key masked, the secret never shown; for an
// assumed role the whole chain, a step a line, and the expiry), plus the STS
// caller identity.
#pragma once

#include <memory>
#include <string>

#include "aws/env.h"
#include "aws/settings.h"
#include "util/status.h"

namespace ferry::aws {

// Writes the report to *out (also on partial failure, e.g. STS unreachable,
// which is then the returned error).
Status Whoami(const AwsSettings& settings, std::shared_ptr<const Env> env, std::string* out);

}  // namespace ferry::aws
