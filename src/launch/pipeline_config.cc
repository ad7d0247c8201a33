#include "launch/pipeline_config.h"

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "awsbatch/batch_settings.h"
#include "config/user_config.h"
#include "util/text.h"

namespace ferry {

namespace fs = std::filesystem;

Status ResolvePipelinePath(const std::string& arg, std::string* file) {
  std::error_code ec;
  if (fs::is_directory(arg, ec)) {
    fs::path p = fs::path(arg) / "pipeline.yml";
    if (!fs::exists(p, ec))
      return Status::Invalid("no pipeline.yml in directory '" + arg + "' (name the pipeline file, e.g. ferry run " +
                             arg + "/my.yml)");
    *file = p.lexically_normal().string();  // "./pipeline.yml" -> "pipeline.yml" in messages
    return Status::Ok();
  }
  if (!fs::exists(arg, ec))
    return Status::Invalid("pipeline '" + arg +
                           "' does not exist (give a pipeline .yml file or a directory "
                           "holding pipeline.yml)");
  *file = arg;
  return Status::Ok();
}

Status ConfigFiles(const std::string& pipeline_dir, const std::vector<std::string>& extra,
                   std::vector<std::string>* files) {
  std::error_code ec;
  std::string user = config::UserConfigPath(std::getenv("FERRY_CONFIG"), std::getenv("HOME"));
  // Absent is fine (most users have none); anything else there is read, so
  // a FIFO or a directory is reported instead of silently skipped.
  if (!user.empty() && fs::exists(user, ec)) files->push_back(user);
  if (!pipeline_dir.empty()) {
    fs::path p = fs::path(pipeline_dir) / "ferry.config";
    // Shown in error messages: relative to the launch dir when inside it.
    fs::path rel = p.lexically_relative(fs::current_path(ec));
    if (!rel.empty() && *rel.begin() != "..") p = rel;
    // Present but not a regular file (a FIFO, a directory): kept, so reading
    // it reports what it is instead of the config being skipped silently.
    if (fs::exists(p, ec)) files->push_back(p.string());
  }
  for (const auto& f : extra) {
    // Only existence is checked here; what the file is (FIFO, device, too
    // large) is checked where it is read.
    if (!fs::exists(f, ec)) return Status::Invalid("config file '" + f + "' given with -c does not exist");
    files->push_back(f);
  }
  return Status::Ok();
}

Value CliParamsValue(const std::vector<std::pair<std::string, std::optional<std::string>>>& cli) {
  ValueMap m;
  for (const auto& [k, v] : cli) m.Set(k, Value(v.value_or("true")));
  return Value(std::move(m));
}

Status CheckS3WorkRoot(const std::string& url, const std::string& what, std::string* root) {
  if (!StartsWith(ToLower(url), "s3://")) return Status::Invalid(what + " must be an s3:// URL, got '" + url + "'");
  std::string rest = url.substr(5);
  size_t slash = rest.find('/');
  std::string bucket = rest.substr(0, slash);
  std::string path = slash == std::string::npos ? "" : rest.substr(slash + 1);
  while (!path.empty() && path.back() == '/') path.pop_back();
  if (bucket.empty()) return Status::Invalid(what + " names no bucket: write s3://BUCKET/PATH, got '" + url + "'");
  if (Trim(path).empty())
    return Status::Invalid(what + " needs a path inside the bucket, e.g. s3://" + bucket +
                           "/work, not just the bucket: ferry keeps task files under that prefix");
  *root = "s3://" + bucket + "/" + path;
  return Status::Ok();
}

Status AwsSettingsFor(const ConfigChoice& choice, aws::AwsSettings* out) {
  ConfigLoadOptions copts;
  copts.profiles = choice.profiles;
  FERRY_RETURN_IF_ERROR(ConfigFiles(choice.pipeline_dir, choice.files, &copts.files));
  Config config;
  FERRY_RETURN_IF_ERROR(Config::Load(copts, &config));
  return AwsSettingsFromConfig(config, out);
}

Status OpenAwsForPipeline(const std::string& pipeline_file, const std::vector<std::string>& configs,
                          const std::vector<std::string>& profiles, const std::string& fallback_region,
                          aws::AwsSession* out) {
  ConfigChoice choice;
  choice.pipeline_dir = std::filesystem::path(pipeline_file).parent_path().string();
  // A pipeline in the launch dir was recorded as "pipeline.yml": its
  // ferry.config is in ".", not nowhere.
  if (choice.pipeline_dir.empty()) choice.pipeline_dir = ".";
  choice.files = configs;
  choice.profiles = profiles;
  aws::AwsSettings settings;
  FERRY_RETURN_IF_ERROR(AwsSettingsFor(choice, &settings));
  settings.profile_hint = aws::kConfigProfileHint;
  aws::SessionOptions so;
  so.fallback_region = fallback_region;
  FERRY_RETURN_IF_ERROR(aws::OpenSession(settings, nullptr, so, out));
  aws::Credentials creds;
  return out->credentials->Get(&creds);
}

}  // namespace ferry
