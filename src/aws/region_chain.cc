#include "aws/region_chain.h"

#include <vector>

#include "aws/imds.h"
#include "aws/profile_files.h"
#include "util/text.h"

namespace ferry::aws {

Status ResolveRegion(const AwsSettings& settings, const Env& env, RegionResult* out) {
  std::vector<std::string> tried;
  if (!settings.region.empty()) {
    *out = {settings.region, settings.region_origin};
    return Status::Ok();
  }
  tried.push_back("--region / aws.region: not set");
  for (const char* var : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    if (auto v = env.Get(var)) {
      *out = {*v, var};
      return Status::Ok();
    }
    tried.push_back(std::string(var) + ": not set");
  }
  ProfileFiles files;
  FERRY_RETURN_IF_ERROR(LoadProfileFiles(env, &files));
  ProfileChoice p = ChooseProfile(settings, env);
  auto m = files.Merged(p.name);
  if (auto it = m.find("region"); it != m.end() && !it->second.empty()) {
    *out = {it->second, "profile '" + p.name + "' in " + files.config_path};
    return Status::Ok();
  }
  tried.push_back("profile '" + p.name + "' in " + files.config_path +
                  (files.config_exists ? ": no region" : ": file missing"));
  ImdsClient imds(env);
  std::string region;
  Status s = imds.Get("meta-data/placement/region", &region);
  if (s.ok() && !Trim(region).empty()) {
    *out = {std::string(Trim(region)), "instance metadata (" + imds.endpoint() + ")"};
    return Status::Ok();
  }
  tried.push_back("instance metadata: " + s.message());
  std::string msg = "no AWS region configured. Tried, in order:\n";
  for (const std::string& t : tried) msg += "  - " + t + "\n";
  msg +=
      "Fix: pass --region REGION, set AWS_REGION, set aws.region in ferry.config, or add "
      "`region = REGION` to the [" +
      std::string(p.name == "default" ? "default" : "profile " + p.name) + "] section of " + files.config_path;
  return Status::Invalid(msg);
}

}  // namespace ferry::aws
