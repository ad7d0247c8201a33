// BuildSettings: what `ferry build --aws-batch` needs to know about the
// user's Batch setup (bucket, job definition, queue, CLI in the job, default
// job size), resolved with the precedence option > environment > user config
// (the `build` scope and aws.batch.cliPath of ~/.ferry/config, the file every
// ferry command reads) > built-in default, each value keeping the name of
// where it came from so errors can point at it. Pure: the caller reads the
// environment and loads the config file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "aws/env.h"
#include "config/config.h"
#include "util/status.h"

namespace ferry::remote_build {

// Values given on the command line (unset: not given).
struct BuildFlags {
  std::optional<std::string> s3_bucket;     // --aws-batch-s3-bucket
  std::optional<std::string> job;           // --aws-batch-job
  std::optional<std::string> queue;         // --aws-batch-queue
  std::optional<std::string> batch_cpus;    // --aws-batch-cpus
  std::optional<std::string> batch_memory;  // --aws-batch-memory
  std::optional<std::string> cli;           // --aws-batch-cli
  std::optional<std::string> cpus;          // --cpus (also passed to the workflow)
  std::optional<std::string> memory;        // --memory (also passed to the workflow)
};

struct Setting {
  std::string value;
  std::string origin;  // "--aws-batch-queue", "FERRY_AWS_BATCH_QUEUE", "/home/u/.ferry/config: build.queue", "default"
};

struct BuildSettings {
  Setting s3_bucket;  // empty value: none configured
  Setting job;
  Setting queue;
  Setting cli;
  // Size of the Batch job; 0: as the job definition says.
  int batch_cpus = 0;
  int64_t batch_memory_mib = 0;
  // What the workflow is told (only from --cpus/--memory); 0: not told.
  int workflow_cpus = 0;
  int64_t workflow_memory_mib = 0;
};

// Byte quantities as --memory takes them: a number and an optional unit b,
// kb, mb, gb (powers of 1000), kib, mib, gib (powers of 1024), any case.
// A bare number is bytes.
bool ParseByteQuantity(std::string_view text, int64_t* bytes);

// Where the user config is (config::UserConfigPath): $FERRY_CONFIG, else
// $HOME/.ferry/config.
std::string ConfigFilePath(const aws::Env& env);

// `config` (loaded from `config_path`) may be null (no config file). Bad
// numbers or sizes are Invalid, naming the option, variable or file they
// came from.
Status ResolveBuildSettings(const BuildFlags& flags, const aws::Env& env, const Config* config,
                            const std::string& config_path, BuildSettings* out);

}  // namespace ferry::remote_build
