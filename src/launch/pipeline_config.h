// What every command that reads a pipeline's config shares (ferry run,
// config show, clean, aws whoami): finding the pipeline file, the config
// files in precedence order, `--name value` arguments as params, and the AWS
// settings that config gives.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "aws/session.h"
#include "aws/settings.h"
#include "config/config.h"
#include "util/status.h"

namespace ferry {

// PIPELINE may be a directory (its pipeline.yml) or a file. Returns the file.
Status ResolvePipelinePath(const std::string& arg, std::string* file);

// $HOME/.ferry/config, then ferry.config beside the pipeline (when
// pipeline_dir is not empty), then each -c file (which must exist).
Status ConfigFiles(const std::string& pipeline_dir, const std::vector<std::string>& extra,
                   std::vector<std::string>* files);

// The CLI params as a map of strings, as typed (for ${params.x} in config);
// a bare --name is "true" there, as Nextflow has it.
Value CliParamsValue(const std::vector<std::pair<std::string, std::optional<std::string>>>& cli);

// Which config a command reads for a pipeline directory: what ferry run
// would read there with these -c files and -profile names.
struct ConfigChoice {
  std::string pipeline_dir;           // "" for none (then no ferry.config is read)
  std::vector<std::string> files;     // -c
  std::vector<std::string> profiles;  // -profile
};

// The AWS settings `ferry run` would use for `choice` (aws.region,
// aws.profile, aws.client.endpoint, ...); the environment and
// ~/.aws files fill in the rest when the session opens.
Status AwsSettingsFor(const ConfigChoice& choice, aws::AwsSettings* out);

// An AWS session (credentials resolved) with the settings `ferry run` would
// use for the recorded pipeline file `pipeline_file`, these -c files and
// -profile names. fallback_region: as aws::SessionOptions (S3 only).
Status OpenAwsForPipeline(const std::string& pipeline_file, const std::vector<std::string>& configs,
                          const std::vector<std::string>& profiles, const std::string& fallback_region,
                          aws::AwsSession* out);

// Checks an S3 work root given as `what` ("-bucket-dir", "workDir"): an
// s3:// URL with a path inside the bucket. *root gets it without a trailing '/'.
Status CheckS3WorkRoot(const std::string& url, const std::string& what, std::string* root);

}  // namespace ferry
