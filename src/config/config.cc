#include "config/config.h"

#include "config/evaluator.h"
#include "config/show.h"
#include "config/user_config.h"
#include "util/user_file.h"

extern char** environ;

namespace ferry {

namespace {

// Config files, and files a config includes, are read through the one
// checked reader (no FIFOs, devices or huge files).
Status ReadDiskFile(const std::string& path, std::string* text) { return ReadUserFile(path, text); }

Value ProcessEnvironment() {
  ValueMap m;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    size_t eq = kv.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    m.Set(std::string(kv.substr(0, eq)), Value(kv.substr(eq + 1)));
  }
  return Value(std::move(m));
}

}  // namespace

Status Config::Finish(config::Evaluator* ev, const ConfigLoadOptions& opts) {
  FERRY_RETURN_IF_ERROR(ev->ApplyProfiles(opts.profiles));
  ev->Finish();
  settings_ = ev->settings();
  selectors_ = ev->selectors();
  warnings_ = ev->warnings();
  profile_names_ = ev->profile_names();
  where_set_ = ev->where_set();
  return Status::Ok();
}

const SourceLoc* Config::WhereSet(const std::string& dotted) const {
  auto it = where_set_.find(dotted);
  return it == where_set_.end() ? nullptr : &it->second;
}

Status Config::Load(const ConfigLoadOptions& opts, Config* out) {
  Value vars = opts.variables.is_null() ? ProcessEnvironment() : opts.variables;
  config::Evaluator ev(opts.cli_params, vars, ReadDiskFile);
  for (const auto& file : opts.files) {
    std::string text;
    Status rs = ReadDiskFile(file, &text);
    if (!rs.ok()) return Status::Invalid(file + ": cannot read config file: " + rs.message() + " (check the path)");
    FERRY_RETURN_IF_ERROR(config::CheckNoIniBuildSection(text, file));
    FERRY_RETURN_IF_ERROR(ev.AddFile(file, text));
  }
  Config c;
  FERRY_RETURN_IF_ERROR(c.Finish(&ev, opts));
  *out = std::move(c);
  return Status::Ok();
}

Status Config::LoadText(std::string_view text, const std::string& display_name, const ConfigLoadOptions& opts,
                        const std::function<Status(const std::string&, std::string*)>& read_file, Config* out) {
  config::Evaluator ev(opts.cli_params, opts.variables, read_file);
  FERRY_RETURN_IF_ERROR(config::CheckNoIniBuildSection(text, display_name));
  FERRY_RETURN_IF_ERROR(ev.AddFile(display_name, text));
  Config c;
  FERRY_RETURN_IF_ERROR(c.Finish(&ev, opts));
  *out = std::move(c);
  return Status::Ok();
}

const Value& Config::params() const {
  static const Value* empty = new Value(Value::EmptyMap());
  const Value* p = settings_.Find("params");
  return p && p->is_map() ? *p : *empty;
}

ValueMap Config::ProcessDefaults() const {
  const Value* p = settings_.Find("process");
  return p ? p->as_map() : ValueMap();
}

ValueMap Config::ProcessOverrides(std::string_view task_name, const std::vector<std::string>& labels) const {
  ValueMap out;
  for (auto kind : {config::Selector::Kind::kLabel, config::Selector::Kind::kName}) {
    for (const auto& sel : selectors_) {
      if (sel.kind != kind || !sel.Matches(task_name, labels)) continue;
      for (const auto& [k, v] : sel.directives) out.Set(k, v);
    }
  }
  return out;
}

std::string Config::Show() const { return config::RenderConfig(settings_, selectors_); }

}  // namespace ferry
