// The shared AWS files (~/.aws/credentials and ~/.aws/config, or the paths in
// AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE) and which profile applies:
// settings (--profile / aws.profile), AWS_PROFILE, AWS_DEFAULT_PROFILE, else
// "default".
#pragma once

#include <map>
#include <string>

#include "aws/env.h"
#include "aws/ini.h"
#include "aws/settings.h"
#include "util/status.h"

namespace ferry::aws {

struct ProfileFiles {
  std::string credentials_path, config_path;
  bool credentials_exists = false, config_exists = false;
  IniFile credentials, config;

  // Keys of `profile` from the credentials file ([name]) and the config file
  // ([profile name], or [default]); the credentials file wins per key.
  std::map<std::string, std::string> Merged(const std::string& profile) const;
  bool HasProfile(const std::string& profile) const;
};

// Reads both files; a missing file is not an error, a malformed one is.
Status LoadProfileFiles(const Env& env, ProfileFiles* out);

struct ProfileChoice {
  std::string name;
  std::string origin;  // "--profile", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "default"
  bool explicit_choice = false;
};
ProfileChoice ChooseProfile(const AwsSettings& settings, const Env& env);

}  // namespace ferry::aws
