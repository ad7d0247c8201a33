// The AWS Batch job definitions ferry registers for `container` images, as
// pure functions: the name (`ferry-` + the image with runs of characters
// Batch does not allow replaced by `-`, shortened with a hash past 128), the
// RegisterJobDefinition request (image, placeholder resources, job role,
// awslogs group, the CLI install dir and aws.batch.volumes as host mounts,
// refusing a mount that would hide the image's own system directories) and
// the `ferry-token` parameter (on Fargate: platformCapabilities FARGATE, the
// execution role, the network configuration, the platform version and the
// ephemeral storage of a `disk` directive, and no host mounts at all), and
// the `ferry-token` parameter that lets a run reuse a definition with the
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
  // aws.batch.platformType = 'fargate' and what only Fargate reads.
  bool fargate = false;
  std::string execution_role;               // aws.batch.executionRole (ARN); any platform
  bool assign_public_ip = true;             // aws.batch.assignPublicIp
  std::string platform_version = "LATEST";  // aws.batch.fargatePlatformVersion
};

// `job-definition://NAME` -> NAME; "" when `container` is an image.
std::string JobDefinitionUri(const std::string& container);

std::string JobDefinitionName(const std::string& image);

// One host volume: where on the host, where in the container, read-only.
struct VolumeMount {
  std::string host, container;
  bool read_only = false;
};
// Parses an aws.batch.volumes entry; Invalid names the entry and the forms,
// or the image directory its container path would hide (HiddenImageDir).
Status ParseVolume(const std::string& entry, VolumeMount* out);

// The directory of the image that a host volume mounted at `container_path`
// would hide: the path itself or the system directory under it that images
// rely on (/usr, /usr/local, /bin, /lib, /etc, /opt, ...; "/" for "/"), or ""
// when it hides none of them. A mount replaces the whole directory, so e.g.
// the host's /usr/local over an image's /usr/local takes the image's own
// programs away (the well-known cliPath = '/usr/local/bin/aws' failure).
std::string HiddenImageDir(const std::string& container_path);

// The install dir of aws.batch.cliPath, mounted read-only at the same path in
// every job: two levels above the binary (INSTALL/bin/aws -> INSTALL, the
// layout of a Miniconda install and of `ferry-job` put at INSTALL/bin/aws).
// Invalid when cli_path is not absolute, when that dir is `/` (nothing to
// mount) or when it would hide an image directory; the message says why and
// what layout to use instead.
Status CliInstallDir(const std::string& cli_path, std::string* dir);

// The RegisterJobDefinition request, with parameters.ferry-token set.
// `storage_gib` > 0 gives a Fargate job that much ephemeral storage
// (FargateStorageGib); a host mount on Fargate is Invalid.
Status JobDefinitionRequest(const std::string& image, const JobDefinitionSettings& s, nlohmann::json* out,
                            int storage_gib = 0);

// The token of a request (hash of its name and contents, token excluded).
std::string JobDefinitionToken(const nlohmann::json& request);

// A DescribeJobDefinitions entry that can be reused for `request`: ACTIVE
// with the same ferry-token. Returns "name:revision" or "".
std::string FindReusable(const std::vector<nlohmann::json>& definitions, const nlohmann::json& request);

}  // namespace ferry
