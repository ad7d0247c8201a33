// The AWS Batch job definitions ferry registers for `container` images, as
// pure functions: the name (`ferry-` + the image with runs of characters
// Batch does not allow replaced by `-`, shortened with a hash past 128), the
// RegisterJobDefinition request (image, placeholder resources, job role,
// awslogs group, the CLI install dir and aws.batch.volumes as host mounts)
// and the `ferry-token` parameter that lets a run reuse a definition with the
// same contents instead of registering a new revision.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/status.h"

namespace ferry {

struct JobDefinitionSettings {
  std::string cli_path;              // its install dir (two levels up) is mounted read-only
  std::vector<std::string> volumes;  // /path or /host:/ctr[:ro|rw]
  std::string job_role;
  std::string logs_group;  // awslogs group when set
};

// `job-definition://NAME` -> NAME; "" when `container` is an image.
std::string JobDefinitionUri(const std::string& container);

std::string JobDefinitionName(const std::string& image);

// One host volume: where on the host, where in the container, read-only.
struct VolumeMount {
  std::string host, container;
  bool read_only = false;
};
// Parses an aws.batch.volumes entry; Invalid names the entry and the forms.
Status ParseVolume(const std::string& entry, VolumeMount* out);

// The RegisterJobDefinition request, with parameters.ferry-token set.
Status JobDefinitionRequest(const std::string& image, const JobDefinitionSettings& s, nlohmann::json* out);

// The token of a request (hash of its name and contents, token excluded).
std::string JobDefinitionToken(const nlohmann::json& request);

// A DescribeJobDefinitions entry that can be reused for `request`: ACTIVE
// with the same ferry-token. Returns "name:revision" or "".
std::string FindReusable(const std::vector<nlohmann::json>& definitions, const nlohmann::json& request);

}  // namespace ferry
