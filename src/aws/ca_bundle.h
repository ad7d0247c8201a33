// Which file of CA certificates verifies TLS servers when no libcurl (with
// its built-in default) is there to decide: ferry-job's OpenSSL transport
// asks here. AWS_CA_BUNDLE first (the aws CLI's variable), then
// SSL_CERT_FILE, then the places Linux images keep their bundle. Pure: the
// caller says which files exist.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "aws/env.h"
#include "util/status.h"

namespace ferry::aws {

// The bundle paths of common images, in the order they are tried.
const std::vector<std::string>& WellKnownCaBundles();

// *path = the bundle to use. A variable that names a missing file is an
// error naming it; no bundle anywhere is an error that lists where it
// looked and says how to give one.
Status FindCaBundle(const Env& env, const std::function<bool(const std::string&)>& is_file, std::string* path);

}  // namespace ferry::aws
