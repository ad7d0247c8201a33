// What `ferry run` and `ferry config show` share: finding the pipeline file,
// the config files in precedence order, and turning `--name value` arguments
// into params.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "store/history.h"
#include "util/status.h"

namespace ferry {

// PIPELINE may be a directory (its pipeline.yml) or a file. Returns the file.
Status ResolvePipelinePath(const std::string& arg, std::string* file);

// The user config ($FERRY_CONFIG, else $HOME/.ferry/config), then ferry.config beside the pipeline (when
// pipeline_dir is not empty), then each -c file (which must exist).
Status ConfigFiles(const std::string& pipeline_dir, const std::vector<std::string>& extra,
                   std::vector<std::string>* files);

// The CLI params as a map of strings, as typed (for ${params.x} in config).
Value CliParamsValue(const std::vector<std::pair<std::string, std::string>>& cli);

// Splits "a,b" profile lists.
std::vector<std::string> SplitList(const std::string& s);

void PrintError(const Status& st);

// Opens .ferry/history.db of the current directory (where ferry run was
// launched), or explains its absence. For ferry log and ferry clean.
Status OpenLaunchHistory(std::unique_ptr<History>* h);

// Checks an S3 work root given as `what` ("-bucket-dir", "workDir"): an
// s3:// URL with a path inside the bucket. *root gets it without a trailing '/'.
Status CheckS3WorkRoot(const std::string& url, const std::string& what, std::string* root);

}  // namespace ferry
