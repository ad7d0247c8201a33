// Helpers shared by the config tests: load config text with an in-memory set
// of include files, and read files under src/config/testdata.
#pragma once

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "config/config.h"

namespace ferry::config_testing {

// Files an includeConfig may read, keyed by the path the evaluator asks for.
using Files = std::map<std::string, std::string>;

inline Status LoadFrom(const std::string& text, Config* out, const ConfigLoadOptions& opts = {},
                       const Files& files = {}, const std::string& name = "ferry.config") {
  auto reader = [files](const std::string& path, std::string* t) -> Status {
    auto it = files.find(path);
    if (it == files.end()) return Status::NotFound("No such file or directory");
    *t = it->second;
    return Status::Ok();
  };
  return Config::LoadText(text, name, opts, reader, out);
}

inline std::string TestdataPath(const std::string& rel) {
  return std::string(FERRY_SOURCE_DIR) + "/src/config/testdata/" + rel;
}

inline std::string ReadTestdata(const std::string& rel) {
  std::ifstream in(TestdataPath(rel));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace ferry::config_testing
