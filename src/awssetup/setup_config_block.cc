#include "awssetup/setup_config_block.h"

#include <nlohmann/json.hpp>

namespace ferry::awssetup {

namespace {

std::string Begin(const std::string& name) { return "// >>> ferry aws setup " + name; }
std::string End(const std::string& name) { return "// <<< ferry aws setup " + name; }
const char* const kOptionsPrefix = "// options: ";

// The config language's single-quoted string.
std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "'";
}

nlohmann::json OptionsJson(const SetupOptions& o) {
  return {{"name", o.name},
          {"bucket", o.bucket},
          {"expire_days", o.expire_days},
          {"max_vcpus", o.max_vcpus},
          {"instance_types", o.instance_types},
          {"spot", o.spot},
          {"disk_gib", o.disk_gib},
          {"nvme", o.nvme},
          {"image", o.image},
          {"subnets", o.subnets},
          {"security_group", o.security_group}};
}

// Finds the block's first and one-past-last character; false when absent.
bool FindBlock(const std::string& text, const std::string& name, size_t* from, size_t* to) {
  std::string end = End(name);
  size_t b = 0;
  while (true) {
    b = text.find(Begin(name), b);
    if (b == std::string::npos) return false;
    // The marker line must name exactly this set-up.
    size_t after = b + Begin(name).size();
    if ((b == 0 || text[b - 1] == '\n') && (after == text.size() || text[after] == ' ' || text[after] == '\n')) break;
    b = after;
  }
  size_t e = text.find(end, b);
  if (e == std::string::npos) return false;
  size_t line_end = text.find('\n', e);
  *from = b;
  *to = line_end == std::string::npos ? text.size() : line_end + 1;
  return true;
}

}  // namespace

std::string SetupConfigBlock(const Desired& d) {
  std::string b;
  b += Begin(d.options.name) + " (written by `ferry aws setup`; `ferry aws teardown` removes it)\n";
  b += kOptionsPrefix + OptionsJson(d.options).dump() + "\n";
  b += "aws.region = " + Quote(d.region) + "\n";
  b += "aws.batch.jobRole = " + Quote(d.RoleArn(d.job_role)) + "\n";
  b += "process.queue = " + Quote(d.queue) + "\n";
  b += "workDir = " + Quote("s3://" + d.bucket + "/work") + "\n";
  b += "build.bucket = " + Quote(d.bucket) + "\n";
  b += "build.queue = " + Quote(d.queue) + "\n";
  b += "build.jobDefinition = " + Quote(d.job_definition) + "\n";
  b += End(d.options.name) + "\n";
  return b;
}

std::string ReplaceSetupConfigBlock(const std::string& text, const std::string& name, const std::string& block) {
  size_t from = 0, to = 0;
  if (FindBlock(text, name, &from, &to)) return text.substr(0, from) + block + text.substr(to);
  if (block.empty()) return text;
  std::string out = text;
  if (!out.empty() && out.back() != '\n') out.push_back('\n');
  return out + block;
}

bool SetupOptionsFromConfig(const std::string& text, const std::string& name, SetupOptions* out) {
  size_t from = 0, to = 0;
  if (!FindBlock(text, name, &from, &to)) return false;
  std::string block = text.substr(from, to - from);
  size_t p = block.find(std::string("\n") + kOptionsPrefix);
  if (p == std::string::npos) return false;
  size_t start = p + 1 + std::string(kOptionsPrefix).size();
  std::string line = block.substr(start, block.find('\n', start) - start);
  nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
  if (!j.is_object()) return false;
  SetupOptions o;
  try {
    o.name = j.value("name", o.name);
    o.bucket = j.value("bucket", o.bucket);
    o.expire_days = j.value("expire_days", o.expire_days);
    o.max_vcpus = j.value("max_vcpus", o.max_vcpus);
    o.instance_types = j.value("instance_types", o.instance_types);
    o.spot = j.value("spot", o.spot);
    o.disk_gib = j.value("disk_gib", o.disk_gib);
    o.nvme = j.value("nvme", o.nvme);
    o.image = j.value("image", o.image);
    o.subnets = j.value("subnets", o.subnets);
    o.security_group = j.value("security_group", o.security_group);
  } catch (const nlohmann::json::exception&) {
    return false;  // edited by hand into the wrong types: as if absent
  }
  *out = o;
  return true;
}

}  // namespace ferry::awssetup
