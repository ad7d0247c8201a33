#include "aws/ini.h"

#include "util/text.h"

namespace ferry::aws {

Status ParseIni(const std::string& text, const std::string& path, IniFile* out) {
  out->sections.clear();
  std::string section, parent_key;
  bool have_section = false;
  int lineno = 0;
  for (const std::string& raw : Split(text, '\n')) {
    ++lineno;
    std::string line = raw;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::string_view t = Trim(line);
    if (t.empty() || t.front() == '#' || t.front() == ';') continue;
    bool indented = line[0] == ' ' || line[0] == '\t';
    if (t.front() == '[') {
      if (t.back() != ']')
        return Status::Invalid(path + ":" + std::to_string(lineno) + ":1: section header lacks ']': " + std::string(t));
      section = std::string(Trim(t.substr(1, t.size() - 2)));
      out->sections[section];
      have_section = true;
      parent_key.clear();
      continue;
    }
    size_t eq = t.find('=');
    if (eq == std::string_view::npos || !have_section)
      return Status::Invalid(path + ":" + std::to_string(lineno) + ":1: expected 'key = value'" +
                             (have_section ? "" : " inside a [section]") + ", got: " + std::string(t));
    std::string key = ToLower(Trim(t.substr(0, eq)));
    std::string value(Trim(t.substr(eq + 1)));
    // Inline comments after whitespace, as botocore accepts them.
    for (const char* c : {" #", " ;", "\t#", "\t;"})
      if (size_t p = value.find(c); p != std::string::npos) value = std::string(Trim(value.substr(0, p)));
    if (indented && !parent_key.empty()) {
      out->sections[section][parent_key + "." + key] = value;
      continue;
    }
    parent_key = value.empty() ? key : "";
    out->sections[section][key] = value;
  }
  return Status::Ok();
}

}  // namespace ferry::aws
