#include "config/show.h"

#include <cctype>
#include <cmath>
#include <cstdio>

#include "config/schema.h"
#include "config/string_escapes.h"

namespace ferry::config {

namespace {

bool IsPlainName(const std::string& k) {
  if (k.empty()) return false;
  if (k == "true" || k == "false" || k == "null" || k == "includeConfig" || k == "profiles" || k == "withLabel" ||
      k == "withName")
    return false;
  if (!(std::isalpha(static_cast<unsigned char>(k[0])) || k[0] == '_' || k[0] == '$')) return false;
  for (char c : k)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$')) return false;
  return true;
}

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (char letter = ControlEscapeLetter(c)) out += {'\\', letter};
    else if (c == '\\' || c == '\'') out += {'\\', c};
    else out += c;
  }
  return out + "'";
}

std::string Key(const std::string& k) { return IsPlainName(k) ? k : Quote(k); }

std::string Number(double d) {
  if (!std::isfinite(d)) return "0";  // cannot come from the parser
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  std::string s = buf;
  if (s.find_first_of(".eE") == std::string::npos) s += ".0";
  return s;
}

void Indent(std::string* out, int depth) { out->append(static_cast<size_t>(depth) * 4, ' '); }

// Masks secrets anywhere inside a value (maps nested in params or env).
Value Masked(const std::string& key, const Value& v) {
  if (IsSecretKey(key) && !v.is_null()) return Value(kMasked);
  if (!v.is_map()) return v;
  ValueMap m;
  for (const auto& [k, item] : v.as_map()) m.Set(k, Masked(k, item));
  return Value(std::move(m));
}

void Assignment(std::string* out, int depth, const std::string& key, const Value& v) {
  Indent(out, depth);
  *out += Key(key) + " = " + RenderLiteral(Masked(key, v)) + "\n";
}

void Scope(std::string* out, int depth, const std::string& key, const Value& v) {
  Indent(out, depth);
  *out += Key(key) + " {\n";
  for (const auto& [k, item] : v.as_map()) {
    if (item.is_map() && !IsSecretKey(k)) Scope(out, depth + 1, k, item);
    else Assignment(out, depth + 1, k, item);
  }
  Indent(out, depth);
  *out += "}\n";
}

void Process(std::string* out, const Value& process, const std::vector<Selector>& selectors) {
  *out += "process {\n";
  for (const auto& [k, v] : process.as_map()) Assignment(out, 1, k, v);
  for (const auto& sel : selectors) {
    Indent(out, 1);
    *out += std::string(sel.kind == Selector::Kind::kLabel ? "withLabel: " : "withName: ") + Quote(sel.pattern.text()) +
            " {\n";
    for (const auto& [k, v] : sel.directives) Assignment(out, 2, k, v);
    Indent(out, 1);
    *out += "}\n";
  }
  *out += "}\n";
}

}  // namespace

std::string RenderLiteral(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull: return "null";
    case Value::Kind::kBool: return v.as_bool() ? "true" : "false";
    case Value::Kind::kInt: return std::to_string(v.as_int());
    case Value::Kind::kDouble: return Number(v.as_double());
    case Value::Kind::kString: return Quote(v.as_string());
    case Value::Kind::kList: {
      std::string out = "[";
      bool first = true;
      for (const auto& item : v.as_list()) {
        if (!first) out += ", ";
        first = false;
        out += RenderLiteral(item);
      }
      return out + "]";
    }
    case Value::Kind::kMap: {
      if (v.as_map().empty()) return "[:]";
      std::string out = "[";
      bool first = true;
      for (const auto& [k, item] : v.as_map()) {
        if (!first) out += ", ";
        first = false;
        out += Key(k) + ": " + RenderLiteral(item);
      }
      return out + "]";
    }
  }
  return "null";
}

std::string RenderConfig(const Value& settings, const std::vector<Selector>& selectors) {
  std::string out = "// Resolved ferry configuration (secrets masked)\n";
  bool process_done = false;
  for (const auto& [k, v] : settings.as_map()) {
    if (k == "process") {
      Process(&out, v, selectors);
      process_done = true;
    } else if (k == "plugins" && v.is_list()) {
      out += "plugins {\n";
      for (const auto& id : v.as_list()) out += "    id " + RenderLiteral(id) + "\n";
      out += "}\n";
    } else if (v.is_map() && !IsSecretKey(k)) {
      Scope(&out, 0, k, v);
    } else {
      Assignment(&out, 0, k, v);
    }
  }
  if (!process_done && !selectors.empty()) Process(&out, Value::EmptyMap(), selectors);
  return out;
}

}  // namespace ferry::config
