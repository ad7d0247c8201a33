#include "awsbatch/job_tags.h"

#include <filesystem>

#include "rules/directive_rules.h"

namespace ferry {

std::string PipelineTagName(const std::string& path, bool is_directory) {
  std::filesystem::path p = std::filesystem::path(path).lexically_normal();
  if (!p.has_filename()) p = p.parent_path();  // a trailing slash
  if (is_directory) return TagValue(p.filename().string());
  if (p.filename() == "pipeline.yml" || p.filename() == "pipeline.yaml")
    return TagValue(p.parent_path().filename().string());
  return TagValue(p.stem().string());
}

std::string TagValue(const std::string& text) {
  std::string out;
  size_t chars = 0;
  for (unsigned char c : text) {
    bool continuation = (c & 0xC0) == 0x80;
    if (!continuation && ++chars > 256) break;
    out += rules::IsTagByte(c) ? static_cast<char>(c) : '_';
  }
  return out;
}

nlohmann::json JobTags(const std::string& run_name, const std::string& process, const std::string& pipeline,
                       const std::vector<std::pair<std::string, std::string>>& labels) {
  nlohmann::json tags = nlohmann::json::object();
  for (const auto& [k, v] : labels) tags[k] = v;
  if (!run_name.empty()) tags["ferry-run"] = TagValue(run_name);
  tags["ferry-task"] = TagValue(process);
  if (!pipeline.empty()) tags["ferry-pipeline"] = TagValue(pipeline);
  return tags;
}

}  // namespace ferry
