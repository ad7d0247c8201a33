// Reader for the AWS shared config and credentials files (INI with the AWS
// twists: "[profile name]" sections in the config file, indented sub-keys
// such as "s3 =\n  addressing_style = path" stored as "s3.addressing_style").
// Pure: parses text, reports file:line for malformed lines.
#pragma once

#include <map>
#include <string>

#include "util/status.h"

namespace ferry::aws {

struct IniFile {
  // section -> key -> value; keys lower-cased
  std::map<std::string, std::map<std::string, std::string>> sections;

  const std::map<std::string, std::string>* Section(const std::string& name) const {
    auto it = sections.find(name);
    return it == sections.end() ? nullptr : &it->second;
  }
};

Status ParseIni(const std::string& text, const std::string& path, IniFile* out);

}  // namespace ferry::aws
