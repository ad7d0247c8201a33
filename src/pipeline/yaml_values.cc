#include "pipeline/yaml_values.h"

#include <cerrno>
#include <cstdlib>
#include <set>

namespace ferry {

namespace {

bool ParseInt(const std::string& s, int64_t* out) {
  if (s.empty()) return false;
  size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (i == s.size()) return false;
  for (size_t k = i; k < s.size(); ++k) {
    if (s[k] < '0' || s[k] > '9') return false;
  }
  errno = 0;
  long long v = std::strtoll(s.c_str(), nullptr, 10);
  if (errno != 0) return false;
  *out = v;
  return true;
}

bool ParseDecimal(const std::string& s, double* out) {
  // Digits with a '.' or an exponent, as YAML 1.2 core floats.
  bool digit = false, dot_or_exp = false;
  size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  for (size_t k = i; k < s.size(); ++k) {
    char c = s[k];
    if (c >= '0' && c <= '9') digit = true;
    else if (c == '.' || c == 'e' || c == 'E') dot_or_exp = true;
    else if ((c == '-' || c == '+') && k > 0 && (s[k - 1] == 'e' || s[k - 1] == 'E')) continue;
    else return false;
  }
  if (!digit || !dot_or_exp) return false;
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (!end || *end != '\0') return false;
  *out = d;
  return true;
}

bool IsPlain(const YAML::Node& n) { return n.Tag() == "?"; }

// The key of one map entry, for both kinds of value: a plain name that the
// map (whose keys so far are `seen`) does not have yet.
Status MapEntryKey(const YAML::Node& key_node, const YamlSource& src, std::set<std::string>* seen, std::string* key) {
  if (!key_node.IsScalar()) return Status::Invalid(src.Loc(key_node).ToString() + ": map keys must be plain names");
  *key = key_node.Scalar();
  if (!seen->insert(*key).second)
    return Status::Invalid(src.Loc(key_node).ToString() + ": key '" + *key +
                           "' appears twice in the same map (remove one)");
  return Status::Ok();
}

// The items of a YAML sequence and the entries of a YAML map, each converted
// by `convert` (YamlToValue or YamlToTemplateValue), in order.
template <class V>
using Convert = Status (*)(const YAML::Node&, const YamlSource&, V*);

template <class V>
Status ConvertItems(const YAML::Node& node, const YamlSource& src, Convert<V> convert, std::vector<V>* items) {
  for (const auto& item : node) {
    V v;
    FERRY_RETURN_IF_ERROR(convert(item, src, &v));
    items->push_back(std::move(v));
  }
  return Status::Ok();
}

template <class V>
Status ConvertEntries(const YAML::Node& node, const YamlSource& src, Convert<V> convert,
                      std::vector<std::pair<std::string, V>>* entries) {
  std::set<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    std::string key;
    FERRY_RETURN_IF_ERROR(MapEntryKey(it->first, src, &seen, &key));
    V v;
    FERRY_RETURN_IF_ERROR(convert(it->second, src, &v));
    entries->emplace_back(std::move(key), std::move(v));
  }
  return Status::Ok();
}

}  // namespace

Value YamlScalarValue(const YAML::Node& n) {
  const std::string& s = n.Scalar();
  if (!IsPlain(n)) return Value(s);
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return Value();
  if (s == "true" || s == "True" || s == "TRUE") return Value(true);
  if (s == "false" || s == "False" || s == "FALSE") return Value(false);
  int64_t i = 0;
  if (ParseInt(s, &i)) return Value(i);
  double d = 0;
  if (ParseDecimal(s, &d)) return Value(d);
  return Value(s);
}

bool YamlIsString(const YAML::Node& n) { return YamlScalarValue(n).is_string(); }

Status YamlToValue(const YAML::Node& node, const YamlSource& src, Value* out) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null: *out = Value(); return Status::Ok();
    case YAML::NodeType::Scalar: *out = YamlScalarValue(node); return Status::Ok();
    case YAML::NodeType::Sequence: {
      ValueList list;
      FERRY_RETURN_IF_ERROR(ConvertItems(node, src, YamlToValue, &list));
      *out = Value(std::move(list));
      return Status::Ok();
    }
    case YAML::NodeType::Map: {
      std::vector<std::pair<std::string, Value>> entries;
      FERRY_RETURN_IF_ERROR(ConvertEntries(node, src, YamlToValue, &entries));
      ValueMap map;
      for (auto& [key, v] : entries) map.Set(key, std::move(v));
      *out = Value(std::move(map));
      return Status::Ok();
    }
  }
  return Status::Ok();
}

Status YamlToTemplateValue(const YAML::Node& node, const YamlSource& src, TemplateValue* out) {
  SourceLoc loc = src.Loc(node);
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null: *out = TemplateValue::FromConstant(Value(), loc); return Status::Ok();
    case YAML::NodeType::Scalar: {
      Value v = YamlScalarValue(node);
      if (!v.is_string()) {
        *out = TemplateValue::FromConstant(std::move(v), loc);
        return Status::Ok();
      }
      Template t;
      FERRY_RETURN_IF_ERROR(Template::Parse(node.Scalar(), src.ScalarMap(node), &t));
      *out = TemplateValue::FromTemplate(std::move(t), loc);
      return Status::Ok();
    }
    case YAML::NodeType::Sequence: {
      std::vector<TemplateValue> items;
      FERRY_RETURN_IF_ERROR(ConvertItems(node, src, YamlToTemplateValue, &items));
      *out = TemplateValue::List(std::move(items), loc);
      return Status::Ok();
    }
    case YAML::NodeType::Map: {
      std::vector<std::pair<std::string, TemplateValue>> entries;
      FERRY_RETURN_IF_ERROR(ConvertEntries(node, src, YamlToTemplateValue, &entries));
      *out = TemplateValue::Map(std::move(entries), loc);
      return Status::Ok();
    }
  }
  return Status::Ok();
}

}  // namespace ferry
