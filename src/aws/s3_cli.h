// `ferry s3 cp|ls|sync|rm|mb` and `ferry aws whoami` with the aws CLI's
// argument forms (--region, --endpoint-url, --profile anywhere on the line,
// `-` for stdin/stdout, --recursive, --quiet, --only-show-errors,
// --exclude/--include, sync --delete, --dryrun), so ferry can stand in for
// `aws` inside a Batch job. Output and exit codes follow the aws CLI: one
// "upload: A to B" line per file, errors on stderr, exit 1 when anything
// failed, 2 for usage errors.
#pragma once

#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "aws/env.h"
#include "aws/settings.h"
#include "util/status.h"

namespace ferry::aws {

struct CliIo {
  std::FILE* out = stdout;
  std::FILE* err = stderr;
  int stdin_fd = 0;
  int stdout_fd = 1;
  bool progress_allowed = true;  // draw a progress bar when stderr is a terminal
};

int RunS3Cli(const std::vector<std::string>& args, std::shared_ptr<const Env> env, const CliIo& io);
// The AWS settings the config of a pipeline directory gives, as `ferry run`
// would read them there (the aws module cannot read ferry's config itself).
using ConfigSettingsLoader = std::function<Status(const std::string& dir, AwsSettings* out)>;
// `ferry aws whoami [PIPELINE_DIR]`: with a loader, the settings of
// PIPELINE_DIR's config (the current directory when none is named), under
// --region/--profile/--endpoint-url given on the command line.
int RunAwsCli(const std::vector<std::string>& args, std::shared_ptr<const Env> env, const CliIo& io,
              const ConfigSettingsLoader& load = nullptr);

}  // namespace ferry::aws
