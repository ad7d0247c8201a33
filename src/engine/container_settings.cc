#include "engine/container_settings.h"

#include <cctype>

#include "util/text.h"

namespace ferry {

namespace {

bool Enabled(const Config& config, const std::string& engine) {
  const Value* v = config.Get(engine + ".enabled");
  return v && v->is_bool() && v->as_bool();
}

std::string Where(const Config& config, const std::string& key) {
  const SourceLoc* loc = config.WhereSet(key);
  return loc ? loc->ToString() + ": " : "";
}

std::string Text(const Config& config, const std::string& key) {
  const Value* v = config.Get(key);
  return v && v->is_string() ? v->as_string() : "";
}

}  // namespace

Status ContainerSettingsFromConfig(const Config& config, const std::vector<std::string>& env_names,
                                   ContainerSettings* out) {
  *out = ContainerSettings{};
  bool docker = Enabled(config, "docker"), podman = Enabled(config, "podman");
  if (docker && podman)
    return Status::Invalid(Where(config, "docker.enabled") + "docker.enabled = true and " +
                           Where(config, "podman.enabled") +
                           "podman.enabled = true: local tasks can run in one container engine only (set one of "
                           "them to false)");
  if (!docker && !podman) return Status::Ok();
  const std::string e = docker ? "docker" : "podman";
  out->engine = e;
  out->engine_options = Text(config, e + ".engineOptions");
  out->run_options = Text(config, e + ".runOptions");
  out->registry = Text(config, e + ".registry");
  while (!out->registry.empty() && out->registry.back() == '/') out->registry.pop_back();
  out->mount_flags = Text(config, e + ".mountFlags");
  out->temp = Text(config, e + ".temp");
  if (!out->temp.empty() && out->temp != "auto" && out->temp[0] != '/')
    return Status::Invalid(Where(config, e + ".temp") + e + ".temp must be 'auto' or an absolute directory, got '" +
                           out->temp + "' (write e.g. " + e + ".temp = 'auto')");
  if (const Value* v = config.Get(e + ".remove"); v && v->is_bool()) out->remove = v->as_bool();
  out->env_names = env_names;
  if (const Value* v = config.Get(e + ".envWhitelist")) {
    // 'A,B' (Nextflow's form) or ['A', 'B'].
    std::vector<std::string> names;
    if (v->is_string()) {
      for (const auto& part : Split(v->as_string(), ','))
        if (!Trim(part).empty()) names.emplace_back(Trim(part));
    } else if (v->is_list()) {
      for (const auto& item : v->as_list()) names.push_back(item.ToString());
    }
    for (const auto& n : names) {
      bool valid = !n.empty() && !std::isdigit(static_cast<unsigned char>(n[0]));
      for (char c : n) valid = valid && (c == '_' || std::isalnum(static_cast<unsigned char>(c)));
      if (!valid)
        return Status::Invalid(Where(config, e + ".envWhitelist") + e + ".envWhitelist: '" + n +
                               "' is not a variable name (write names such as 'HOME', 'MY_TOKEN')");
      out->env_names.push_back(n);
    }
  }
  return Status::Ok();
}

}  // namespace ferry
