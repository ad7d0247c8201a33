#include "pipeline/params.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include <yaml-cpp/yaml.h>

#include "pipeline/yaml_input.h"
#include "pipeline/yaml_source.h"
#include "pipeline/yaml_values.h"
#include "util/text.h"
#include "util/user_file.h"

namespace ferry {

namespace {

// Sets `value` at the dotted path inside *map, merging maps key by key.
void Merge(Value* target, const Value& v) {
  if (target->is_map() && v.is_map()) {
    ValueMap& m = target->MutableMap();
    for (const auto& [k, item] : v.as_map()) {
      Value* existing = m.FindMutable(k);
      if (existing) Merge(existing, item);
      else m.Set(k, item);
    }
    return;
  }
  *target = v;
}

// A bare --name on the command line: fine for a true/false param (it sets
// true), an error for any other, whose value was most likely forgotten.
Status CheckBareParam(std::string_view name, const Value* current, const ParamSpec* spec) {
  if (current && current->is_bool()) return Status::Ok();
  if (spec && spec->type == ParamType::kBoolean) return Status::Ok();
  std::string now = "it has no default";
  if (current && (current->is_list() || current->is_map()))
    now = std::string("its default is a ") + current->kind_name();
  else if (current && !current->is_null())
    now = std::string("its default is the ") + current->kind_name() + " " + current->ToJson();
  return Status::Invalid("parameter '--" + std::string(name) + "' was given without a value, and " + now +
                         ", so it needs one: write --" + std::string(name) + " VALUE (or --" + std::string(name) +
                         "=VALUE when the value starts with '-'); only a true/false param may stand alone");
}

}  // namespace

Value ParseParamValue(std::string_view text) {
  std::string s(text);
  if (s == "true") return Value(true);
  if (s == "false") return Value(false);
  if (!s.empty()) {
    size_t i = s[0] == '-' ? 1 : 0;
    bool digits = i < s.size(), dot = false;
    for (size_t k = i; k < s.size() && digits; ++k) {
      if (s[k] == '.' && !dot && k > i && k + 1 < s.size()) dot = true;
      else if (s[k] < '0' || s[k] > '9') digits = false;
    }
    if (digits) {
      errno = 0;
      if (!dot) {
        long long n = std::strtoll(s.c_str(), nullptr, 10);
        if (errno == 0) return Value(static_cast<int64_t>(n));
      } else {
        return Value(std::strtod(s.c_str(), nullptr));
      }
    }
  }
  return Value(std::move(s));
}

Status ApplyParamOverrides(const std::vector<ParamSpec>& specs, const Value& known, const std::string& params_file,
                           const std::vector<std::pair<std::string, std::optional<std::string>>>& cli, Value* params) {
  Value result = known.is_map() ? known : Value::EmptyMap();
  if (!params_file.empty()) {
    std::string text;
    Status rs = ReadUserFile(params_file, &text);
    if (!rs.ok()) return Status::Invalid("cannot read params file '" + params_file + "': " + rs.message());
    YamlSource src(text, params_file);
    YAML::Node root;
    FERRY_RETURN_IF_ERROR(ParseUserYaml(text, params_file, "params file", &root));
    if (root && !root.IsNull()) {
      if (!root.IsMap()) {
        return Status::Invalid(src.Loc(root).ToString() +
                               ": a params file must hold a map of name: value (YAML or a JSON object)");
      }
      for (auto it = root.begin(); it != root.end(); ++it) {
        const YAML::Node key = it->first;  // a copy: it-> yields a temporary
        const YAML::Node node = it->second;
        const std::string name = key.IsScalar() ? key.Scalar() : "";
        if (!result.Find(name)) {
          std::vector<std::string> keys = result.as_map().Keys();
          return Status::Invalid(
              src.Loc(key).ToString() + ": unknown param '" + name + "' in the params file" + DidYouMean(name, keys) +
              (keys.empty() ? "; the pipeline declares no params" : "; known params: " + Join(keys, ", ")) +
              " (declare new ones under params: in the pipeline)");
        }
        Value v;
        FERRY_RETURN_IF_ERROR(YamlToValue(node, src, &v));
        if (const ParamSpec* spec = FindParamSpec(specs, name))
          FERRY_RETURN_IF_ERROR(CheckParamValue(*spec, v, src.Loc(node).ToString()));
        ValueMap one;
        one.Set(name, std::move(v));
        Merge(&result, Value(std::move(one)));
      }
    }
  }
  for (const auto& [raw_name, text] : cli) {
    std::string_view name = raw_name;
    while (!name.empty() && name.front() == '-') name.remove_prefix(1);
    if (name.empty()) return Status::Invalid("empty parameter name in '--" + text.value_or("") + "'");
    std::vector<std::string> parts = Split(name, '.');
    for (const auto& p : parts) {
      if (p.empty())
        return Status::Invalid("bad parameter name '--" + std::string(name) + "' (empty part between dots)");
    }
    if (!result.Find(parts[0])) {
      std::vector<std::string> keys = result.as_map().Keys();
      return Status::Invalid(
          "unknown parameter '--" + std::string(name) + "'" + DidYouMean(parts[0], keys) +
          (keys.empty() ? "; the pipeline declares no params" : "; known params: " + Join(keys, ", ")) +
          " (declare new ones under params: in the pipeline)");
    }
    const ParamSpec* spec = FindParamSpec(specs, parts[0]);
    Value* cur = &result;
    for (size_t i = 0; i < parts.size(); ++i) {
      ValueMap& m = cur->MutableMap();
      if (i + 1 == parts.size()) {
        if (!text) FERRY_RETURN_IF_ERROR(CheckBareParam(name, m.Find(parts[i]), parts.size() == 1 ? spec : nullptr));
        Value v = text ? ParseParamValue(*text) : Value(true);
        if (text && spec && parts.size() == 1) FERRY_RETURN_IF_ERROR(ParamValueFromText(*spec, *text, &v));
        m.Set(parts[i], std::move(v));
        break;
      }
      Value* next = m.FindMutable(parts[i]);
      if (!next) {
        m.Set(parts[i], Value::EmptyMap());
        next = m.FindMutable(parts[i]);
      } else if (!next->is_map()) {
        return Status::Invalid(
            "parameter '--" + std::string(name) + "': '" +
            Join(std::vector<std::string>(parts.begin(), parts.begin() + static_cast<std::ptrdiff_t>(i) + 1), ".") +
            "' is a " + next->kind_name() + ", not a map, so it has no keys to set");
      }
      cur = next;
    }
    // --a.b x sets a key inside a; a must still be what its type says.
    if (spec && parts.size() > 1)
      FERRY_RETURN_IF_ERROR(
          CheckParamValue(*spec, *result.Find(parts[0]), "--" + std::string(name) + " on the command line"));
  }
  FERRY_RETURN_IF_ERROR(CheckRequiredParams(specs, result));
  *params = std::move(result);
  return Status::Ok();
}

Status CheckConfigParams(const std::vector<ParamSpec>& specs, const Value& config_params,
                         const std::function<const SourceLoc*(const std::string&)>& where_set,
                         const std::vector<std::string>& skip) {
  if (!config_params.is_map()) return Status::Ok();
  for (const auto& [name, v] : config_params.as_map()) {
    if (std::find(skip.begin(), skip.end(), name) != skip.end()) continue;
    const ParamSpec* spec = FindParamSpec(specs, name);
    if (!spec) continue;  // a config may hold params for other pipelines
    const SourceLoc* loc = where_set("params." + name);
    FERRY_RETURN_IF_ERROR(CheckParamValue(*spec, v, loc ? loc->ToString() : "the config's params." + name));
  }
  return Status::Ok();
}

}  // namespace ferry
