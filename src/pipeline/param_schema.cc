#include "pipeline/param_schema.h"

#include <algorithm>
#include <cctype>

#include "pipeline/params.h"
#include "pipeline/yaml_input.h"
#include "pipeline/yaml_values.h"
#include "util/text.h"

namespace ferry {

namespace {

const std::vector<std::string>& DescriptionKeys() {
  static const std::vector<std::string> keys = {"type", "default", "help", "required"};
  return keys;
}

const std::vector<std::pair<std::string, ParamType>>& TypeNames() {
  static const std::vector<std::pair<std::string, ParamType>> names = {
      {"string", ParamType::kString},   {"integer", ParamType::kInteger}, {"number", ParamType::kNumber},
      {"boolean", ParamType::kBoolean}, {"path", ParamType::kPath},       {"list", ParamType::kList},
      {"map", ParamType::kMap}};
  return names;
}

std::vector<std::string> TypeWords() {
  std::vector<std::string> words;
  for (const auto& [w, t] : TypeNames()) words.push_back(w);
  return words;
}

bool IsDescriptionKey(const std::string& k) {
  const auto& keys = DescriptionKeys();
  return std::find(keys.begin(), keys.end(), k) != keys.end();
}

// Whether a map under params: describes the param rather than being its
// default: it has a `type`, or every key is a description key. A map
// default whose keys all happen to be description keys is written
// {type: map, default: {...}}. A map with some description keys and a key
// one typo away from another is most likely a description with a typo, so
// it is an error rather than a silently odd map default.
Status IsDescription(const YAML::Node& node, const YamlSource& src, const std::string& name, bool* out) {
  *out = false;
  if (!node.IsMap() || node.size() == 0) return Status::Ok();
  bool all = true, some = false;
  std::string typo;  // a key one typo away from a description key
  SourceLoc typo_loc;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node key = it->first;  // a copy: it-> yields a temporary
    if (!key.IsScalar()) return Status::Ok();
    if (key.Scalar() == "type") {
      *out = true;
      return Status::Ok();
    }
    bool d = IsDescriptionKey(key.Scalar());
    some = some || d;
    all = all && d;
    if (!d && typo.empty() && !DidYouMean(key.Scalar(), DescriptionKeys()).empty()) {
      typo = key.Scalar();
      typo_loc = src.Loc(key);
    }
  }
  if (some && !typo.empty()) {
    return Status::Invalid(typo_loc.ToString() + ": unknown key '" + typo + "' in the description of param '" + name +
                           "'" + DidYouMean(typo, DescriptionKeys()) +
                           "; a param is described with type, default, help and required (a map default whose keys "
                           "look like these is written {type: map, default: {...}})");
  }
  *out = all;
  return Status::Ok();
}

ParamType TypeOfValue(const Value& v) {
  if (v.is_bool()) return ParamType::kBoolean;
  if (v.is_int()) return ParamType::kInteger;
  if (v.is_double()) return ParamType::kNumber;
  if (v.is_string()) return ParamType::kString;
  if (v.is_list()) return ParamType::kList;
  if (v.is_map()) return ParamType::kMap;
  return ParamType::kAny;
}

// "an integer (a whole number such as 8)": what a type accepts, for errors.
std::string Expected(ParamType t) {
  switch (t) {
    case ParamType::kString: return "a string (quote it in YAML if it looks like a number or true/false)";
    case ParamType::kInteger: return "an integer (a whole number such as 8)";
    case ParamType::kNumber: return "a number (such as 8 or 0.5)";
    case ParamType::kBoolean: return "true or false";
    case ParamType::kPath: return "a path (a non-empty string)";
    case ParamType::kList: return "a list (such as [a, b])";
    case ParamType::kMap: return "a map (such as {key: value})";
    case ParamType::kAny: break;
  }
  return "any value";
}

bool Accepts(ParamType t, const Value& v) {
  switch (t) {
    case ParamType::kAny: return true;
    case ParamType::kString: return v.is_string();
    case ParamType::kInteger: return v.is_int();
    case ParamType::kNumber: return v.is_number();
    case ParamType::kBoolean: return v.is_bool();
    case ParamType::kPath: return v.is_string() && !v.as_string().empty();
    case ParamType::kList: return v.is_list();
    case ParamType::kMap: return v.is_map();
  }
  return false;
}

std::string Got(const Value& v) {
  if (v.is_list() || v.is_map()) return std::string("a ") + v.kind_name();
  return std::string("the ") + v.kind_name() + " " + v.ToJson();
}

class SchemaReader {
 public:
  explicit SchemaReader(const YamlSource& src) : src_(src) {}

  Status Err(const YAML::Node& n, const std::string& msg) const {
    return Status::Invalid(src_.Loc(n).ToString() + ": " + msg);
  }

  Status Read(const YAML::Node& key, const YAML::Node& value, ParamSpec* spec) {
    spec->name = key.Scalar();
    spec->loc = src_.Loc(key);
    bool described = false;
    FERRY_RETURN_IF_ERROR(IsDescription(value, src_, spec->name, &described));
    if (!described) return YamlToValue(value, src_, &spec->default_value);
    // (a yaml-cpp node cannot stand for "none", so locations are kept.)
    bool has_type = false;
    SourceLoc default_loc, required_loc;
    for (auto it = value.begin(); it != value.end(); ++it) {
      const YAML::Node k = it->first;   // a copy: it-> yields a temporary
      const YAML::Node v = it->second;  // a copy: it-> yields a temporary
      const std::string& field = k.Scalar();
      if (field == "type") {
        FERRY_RETURN_IF_ERROR(ReadType(v, spec));
        has_type = true;
      } else if (field == "default") {
        FERRY_RETURN_IF_ERROR(YamlToValue(v, src_, &spec->default_value));
        default_loc = src_.Loc(v);
      } else if (field == "help") {
        if (!v.IsScalar() || !YamlIsString(v))
          return Err(v, "help of param '" + spec->name + "' must be text (one line saying what the param is for)");
        spec->help = v.Scalar();
      } else if (field == "required") {
        Value r = v.IsScalar() ? YamlScalarValue(v) : Value();
        if (!r.is_bool()) return Err(v, "required of param '" + spec->name + "' must be true or false");
        spec->required = r.as_bool();
        required_loc = src_.Loc(k);
      } else {
        return Err(k, "unknown key '" + field + "' in the description of param '" + spec->name + "'" +
                          DidYouMean(field, DescriptionKeys()) +
                          "; a param is described with type, default, help and required");
      }
    }
    if (spec->required && !spec->default_value.is_null()) {
      return Status::Invalid(required_loc.ToString() + ": param '" + spec->name +
                             "' is required and has a default, which always gives it a value: drop "
                             "'required: true' or the default");
    }
    if (!has_type) {
      spec->type = TypeOfValue(spec->default_value);  // the default's type, else any
      return Status::Ok();
    }
    if (!spec->default_value.is_null() && !Accepts(spec->type, spec->default_value)) {
      return Status::Invalid(default_loc.ToString() + ": the default of param '" + spec->name + "' must be " +
                             Expected(spec->type) + " (its type is " + ParamTypeName(spec->type) + "), got " +
                             Got(spec->default_value));
    }
    return Status::Ok();
  }

 private:
  Status ReadType(const YAML::Node& v, ParamSpec* spec) const {
    const std::string words = Join(TypeWords(), ", ");
    if (!v.IsScalar() || v.Scalar().empty())
      return Err(v, "type of param '" + spec->name + "' must be one of " + words);
    for (const auto& [w, t] : TypeNames()) {
      if (v.Scalar() == w) {
        spec->type = t;
        return Status::Ok();
      }
    }
    std::string hint = DidYouMean(v.Scalar(), TypeWords());
    if (hint.empty() && (v.Scalar() == "int" || v.Scalar() == "float" || v.Scalar() == "bool" || v.Scalar() == "file"))
      hint = " (ferry's names: " + words + ")";
    return Err(
        v, "unknown type '" + v.Scalar() + "' for param '" + spec->name + "'" + hint + "; a type is one of " + words);
  }

  const YamlSource& src_;
};

}  // namespace

const char* ParamTypeName(ParamType t) {
  for (const auto& [w, type] : TypeNames())
    if (type == t) return w.c_str();
  return "any";
}

Status ParseParamSchema(const YAML::Node& params, const YamlSource& src, std::vector<ParamSpec>* specs,
                        Value* defaults) {
  specs->clear();
  *defaults = Value::EmptyMap();
  SchemaReader reader(src);
  for (auto it = params.begin(); it != params.end(); ++it) {
    const YAML::Node key = it->first;     // a copy: it-> yields a temporary
    const YAML::Node value = it->second;  // a copy: it-> yields a temporary
    if (!key.IsScalar()) return reader.Err(key, "a param name must be a plain name");
    if (FindParamSpec(*specs, key.Scalar()))
      return reader.Err(key, "key '" + key.Scalar() + "' appears twice under params: (keep one)");
    ParamSpec spec;
    FERRY_RETURN_IF_ERROR(reader.Read(key, value, &spec));
    defaults->MutableMap().Set(spec.name, spec.default_value);
    specs->push_back(std::move(spec));
  }
  return Status::Ok();
}

const ParamSpec* FindParamSpec(const std::vector<ParamSpec>& specs, const std::string& name) {
  for (const auto& s : specs)
    if (s.name == name) return &s;
  return nullptr;
}

Status CheckParamValue(const ParamSpec& spec, const Value& v, const std::string& where) {
  if (v.is_null() || Accepts(spec.type, v)) return Status::Ok();
  return Status::Invalid(where + ": param '" + spec.name + "' must be " + Expected(spec.type) + ", got " + Got(v));
}

Status ParamValueFromText(const ParamSpec& spec, const std::string& text, Value* out) {
  const std::string where = "--" + spec.name + " on the command line";
  switch (spec.type) {
    case ParamType::kString:
    case ParamType::kPath: *out = Value(text); break;
    case ParamType::kList:
    case ParamType::kMap: {
      YAML::Node node;
      Status st = ParseUserYaml(text, where, "param value", &node);
      if (st.ok()) {
        YamlSource src(text, where);
        st = YamlToValue(node, src, out);
      }
      if (!st.ok())
        return Status::Invalid(where + ": param '" + spec.name + "' must be " + Expected(spec.type) +
                               " written in YAML, and '" + text + "' is not: " + st.message());
      break;
    }
    default: *out = ParseParamValue(text);
  }
  if (out->is_null() && spec.type != ParamType::kAny)  // "~" or "null" from YAML: no value is not a value
    return Status::Invalid(where + ": param '" + spec.name + "' must be " + Expected(spec.type) + ", got '" + text +
                           "'");
  if (!Accepts(spec.type, *out))
    return Status::Invalid(where + ": param '" + spec.name + "' must be " + Expected(spec.type) + ", got '" + text +
                           "'");
  return Status::Ok();
}

Status CheckRequiredParams(const std::vector<ParamSpec>& specs, const Value& params) {
  for (const auto& s : specs) {
    if (!s.required) continue;
    const Value* v = params.Find(s.name);
    if (v && !v->is_null()) continue;
    return Status::Invalid(s.loc.ToString() + ": param '" + s.name + "' is required and has no value: give it with --" +
                           s.name + " VALUE, in a -params-file, or as params." + s.name + " in ferry.config" +
                           (s.help.empty() ? "" : " (" + s.help + ")"));
  }
  return Status::Ok();
}

std::string ParamsHelpText(const std::vector<ParamSpec>& specs, const std::string& pipeline_file) {
  std::string out = "\nparams of " + pipeline_file;
  if (specs.empty()) return out + ": none\n";
  out += " (--name VALUE, or name: value in a -params-file):\n";
  std::vector<std::pair<std::string, std::string>> rows;
  size_t width = 0;
  for (const auto& s : specs) {
    std::string left = "--" + s.name;
    if (s.type != ParamType::kAny) {
      std::string meta = ParamTypeName(s.type);
      for (char& c : meta) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      left += " " + meta;
    }
    width = std::max(width, left.size());
    std::string right = s.help;
    std::string note = s.required                  ? "required"
                       : s.default_value.is_null() ? ""
                                                   : "default: " + s.default_value.ToJson();
    if (!note.empty()) right += (right.empty() ? "" : " ") + ("[" + note + "]");
    rows.emplace_back(std::move(left), std::move(right));
  }
  width = std::min<size_t>(width, 30);
  for (const auto& [left, right] : rows) {
    out += "  " + left;
    if (right.empty()) {
      out += "\n";
      continue;
    }
    out += left.size() <= width ? std::string(width - left.size(), ' ') : "\n  " + std::string(width, ' ');
    out += "  " + right + "\n";
  }
  return out;
}

}  // namespace ferry
