#include "aws/profile_files.h"

#include <fstream>
#include <sstream>

namespace ferry::aws {

namespace {
Status LoadOne(const std::string& path, bool* exists, IniFile* out) {
  std::ifstream in(path);
  *exists = static_cast<bool>(in);
  if (!in) return Status::Ok();
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseIni(ss.str(), path, out);
}
}  // namespace

Status LoadProfileFiles(const Env& env, ProfileFiles* out) {
  std::string home = env.GetOr("HOME", "");
  out->credentials_path = env.GetOr("AWS_SHARED_CREDENTIALS_FILE", home + "/.aws/credentials");
  out->config_path = env.GetOr("AWS_CONFIG_FILE", home + "/.aws/config");
  FERRY_RETURN_IF_ERROR(LoadOne(out->credentials_path, &out->credentials_exists, &out->credentials));
  return LoadOne(out->config_path, &out->config_exists, &out->config);
}

std::map<std::string, std::string> ProfileFiles::Merged(const std::string& profile) const {
  std::map<std::string, std::string> m;
  const auto* c = config.Section("profile " + profile);
  if (!c && profile == "default") c = config.Section("default");
  if (c) m = *c;
  if (const auto* k = credentials.Section(profile))
    for (const auto& [key, v] : *k) m[key] = v;
  return m;
}

bool ProfileFiles::HasProfile(const std::string& profile) const {
  return credentials.Section(profile) || config.Section("profile " + profile) ||
         (profile == "default" && config.Section("default"));
}

ProfileChoice ChooseProfile(const AwsSettings& settings, const Env& env) {
  if (!settings.profile.empty()) return {settings.profile, settings.profile_origin, true};
  if (auto p = env.Get("AWS_PROFILE")) return {*p, "AWS_PROFILE", true};
  if (auto p = env.Get("AWS_DEFAULT_PROFILE")) return {*p, "AWS_DEFAULT_PROFILE", true};
  return {"default", "default", false};
}

}  // namespace ferry::aws
