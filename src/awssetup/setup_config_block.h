// The block `ferry aws setup` writes into the user config (~/.ferry/config)
// so that `ferry build --aws-batch` and `process.executor = 'awsbatch'` find
// the set-up with no further options: the region, bucket, queue, job
// definition, job role and S3 work dir, between marker lines that name the
// set-up, plus the options it was made with (one JSON comment line) so that
// `check` and `teardown` know what was asked. Setup replaces its own block
// and nothing else; teardown removes it. Pure: text in, text out.
#pragma once

#include <string>

#include "awssetup/setup_spec.h"

namespace ferry::awssetup {

std::string SetupConfigBlock(const Desired& d);

// `text` with set-up `name`'s block replaced by `block` (appended when there
// is none; removed when `block` is empty).
std::string ReplaceSetupConfigBlock(const std::string& text, const std::string& name, const std::string& block);

// The options set-up `name` was made with, from its block in `text`; false
// when there is no block (or its options line is unreadable).
bool SetupOptionsFromConfig(const std::string& text, const std::string& name, SetupOptions* out);

}  // namespace ferry::awssetup
