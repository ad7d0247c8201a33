// `ferry build --list`: this machine's past and running builds from the
// build history, as a table or (--json) one record per line.
#pragma once

#include "aws/env.h"
#include "remote_build/build_output.h"

namespace ferry::remote_build {

// Returns the exit code.
int ListBuilds(bool json, const aws::Env& env, BuildOutput* out);

}  // namespace ferry::remote_build
