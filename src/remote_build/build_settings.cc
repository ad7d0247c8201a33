#include "remote_build/build_settings.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

#include "config/user_config.h"
#include "util/text.h"
#include "util/units.h"

namespace ferry::remote_build {

namespace {

constexpr int64_t kMiB = 1024 * 1024;

// One setting looked up in option, environment, config file, default order.
// `key` is its dotted path in the config.
Setting Resolve(const std::optional<std::string>& flag, const char* flag_name, const aws::Env& env,
                const char* env_name, const Config* config, const std::string& config_path, const char* key,
                const std::string& fallback) {
  if (flag) return {*flag, flag_name};
  if (auto v = env.Get(env_name)) return {*v, env_name};
  if (const Value* v = config ? config->Get(key) : nullptr) {
    // The schema made it a string, a whole number or a normalized memory size.
    std::string text = v->is_string() ? v->as_string() : v->is_int() ? std::to_string(v->as_int()) : "";
    if (!text.empty()) return {text, config_path + ": " + key};
  }
  return {fallback, "default"};
}

Status ParseCpus(const Setting& s, int* out) {
  if (s.value.empty()) return Status::Ok();
  char* end = nullptr;
  long v = std::strtol(s.value.c_str(), &end, 10);
  if (end == s.value.c_str() || *end != '\0' || v < 1 || v > 4096)
    return Status::Invalid(s.origin + ": '" + s.value + "' is not a number of CPUs (write e.g. 8)");
  *out = static_cast<int>(v);
  return Status::Ok();
}

// `bare_unit` is what a number without unit means (bytes for --memory, MiB
// for the aws-batch memory setting, as Batch counts it).
Status ParseMemoryMiB(const Setting& s, int64_t bare_unit, int64_t* out_mib) {
  if (s.value.empty()) return Status::Ok();
  std::string text = std::string(Trim(s.value));
  bool bare = !text.empty() && std::isdigit(static_cast<unsigned char>(text.back()));
  int64_t bytes = 0;
  if (bare) {
    char* end = nullptr;
    long long v = std::strtoll(text.c_str(), &end, 10);
    if (*end == '\0' && v > 0) bytes = v * bare_unit;
  } else if (!ParseByteQuantity(text, &bytes)) {
    bytes = 0;
  }
  if (bytes < kMiB)
    return Status::Invalid(s.origin + ": '" + s.value +
                           "' is not a memory size of at least 1 MiB (write e.g. 14gib or 3500mib; units b, kb, mb, "
                           "gb, kib, mib, gib)");
  *out_mib = bytes / kMiB;
  return Status::Ok();
}

}  // namespace

bool ParseByteQuantity(std::string_view text, int64_t* bytes) {
  std::string t = ToLower(Trim(text));
  size_t i = 0;
  while (i < t.size() && (std::isdigit(static_cast<unsigned char>(t[i])) || t[i] == '.')) ++i;
  if (i == 0) return false;
  std::string number = t.substr(0, i);
  std::string unit = std::string(Trim(std::string_view(t).substr(i)));
  char* end = nullptr;
  double v = std::strtod(number.c_str(), &end);
  if (*end != '\0' || !std::isfinite(v) || v < 0) return false;
  double mult = 0;
  if (unit.empty() || unit == "b") mult = 1;
  else if (unit == "kb") mult = 1e3;
  else if (unit == "mb") mult = 1e6;
  else if (unit == "gb") mult = 1e9;
  else if (unit == "kib") mult = 1024.0;
  else if (unit == "mib") mult = 1024.0 * 1024;
  else if (unit == "gib") mult = 1024.0 * 1024 * 1024;
  else return false;
  double b = v * mult;
  if (b > 9e18) return false;
  *bytes = static_cast<int64_t>(b);
  return true;
}

std::string ConfigFilePath(const aws::Env& env) {
  auto ferry_config = env.Get("FERRY_CONFIG");
  std::string home = env.GetOr("HOME", ".");
  return config::UserConfigPath(ferry_config ? ferry_config->c_str() : nullptr, home.c_str());
}

Status ResolveBuildSettings(const BuildFlags& flags, const aws::Env& env, const Config* config,
                            const std::string& config_path, BuildSettings* out) {
  out->s3_bucket = Resolve(flags.s3_bucket, "--aws-batch-s3-bucket", env, "FERRY_AWS_BATCH_S3_BUCKET", config,
                           config_path, "build.bucket", "");
  out->job = Resolve(flags.job, "--aws-batch-job", env, "FERRY_AWS_BATCH_JOB", config, config_path,
                     "build.jobDefinition", "ferry-job");
  out->queue = Resolve(flags.queue, "--aws-batch-queue", env, "FERRY_AWS_BATCH_QUEUE", config, config_path,
                       "build.queue", "ferry-job-queue");
  out->cli = Resolve(flags.cli, "--aws-batch-cli", env, "FERRY_AWS_BATCH_CLI", config, config_path, "aws.batch.cliPath",
                     "aws");
  for (const Setting* s : {&out->job, &out->queue, &out->cli})
    if (s->value.empty()) return Status::Invalid(s->origin + " is empty");

  // Explicit sizes on the command line win over the environment and the
  // config file: --aws-batch-cpus, then --cpus, then the defaults.
  std::optional<std::string> cpus_flag = flags.batch_cpus ? flags.batch_cpus : flags.cpus;
  const char* cpus_name = flags.batch_cpus ? "--aws-batch-cpus" : "--cpus";
  Setting cpus = Resolve(cpus_flag, cpus_name, env, "FERRY_AWS_BATCH_CPUS", config, config_path, "build.cpus", "");
  FERRY_RETURN_IF_ERROR(ParseCpus(cpus, &out->batch_cpus));
  std::optional<std::string> mem_flag = flags.batch_memory ? flags.batch_memory : flags.memory;
  Setting memory = Resolve(mem_flag, flags.batch_memory ? "--aws-batch-memory" : "--memory", env,
                           "FERRY_AWS_BATCH_MEMORY", config, config_path, "build.memory", "");
  // --memory takes a bare number as bytes; --aws-batch-memory and the
  // variable count MiB; the config's sizes count as everywhere in the config
  // language (units binary, checked by its schema).
  int64_t bare = (flags.batch_memory || memory.origin == "FERRY_AWS_BATCH_MEMORY") ? kMiB : 1;
  int64_t config_bytes = 0;
  if (memory.origin == config_path + ": build.memory" && ParseMemory(memory.value, &config_bytes))
    memory.value = std::to_string(config_bytes);
  FERRY_RETURN_IF_ERROR(ParseMemoryMiB(memory, bare, &out->batch_memory_mib));

  if (flags.cpus) FERRY_RETURN_IF_ERROR(ParseCpus({*flags.cpus, "--cpus"}, &out->workflow_cpus));
  if (flags.memory) FERRY_RETURN_IF_ERROR(ParseMemoryMiB({*flags.memory, "--memory"}, 1, &out->workflow_memory_mib));
  return Status::Ok();
}

}  // namespace ferry::remote_build
