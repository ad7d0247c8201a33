// Helpers shared by the pipeline module's tests: an in-memory TemplateHost
// and shortcuts for parsing and evaluating templates.
#pragma once

#include <fnmatch.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "pipeline/template.h"

namespace ferry::testing {

// Files live in a map; relative paths resolve against /base.
class FakeHost : public TemplateHost {
 public:
  std::map<std::string, std::string> files;
  std::string base = "/base";

  Status Glob(const std::string& pattern, std::vector<std::string>* paths) override {
    paths->clear();
    std::string abs = Absolute(pattern);
    for (const auto& [p, c] : files) {
      if (fnmatch(abs.c_str(), p.c_str(), FNM_PATHNAME) == 0) paths->push_back(p);
    }
    std::sort(paths->begin(), paths->end());
    return Status::Ok();
  }
  Status ReadFile(const std::string& path, std::string* contents) override {
    auto it = files.find(Absolute(path));
    if (it == files.end()) return Status::Invalid("cannot read '" + Absolute(path) + "': No such file or directory");
    *contents = it->second;
    return Status::Ok();
  }
  std::string Absolute(const std::string& path) override {
    return !path.empty() && path[0] == '/' ? path : base + "/" + path;
  }
  std::string base_dir() const override { return base; }
};

inline Template MustParse(const std::string& text, SourceLoc loc = SourceLoc{"t.yml", 1, 1}) {
  Template t;
  Status st = Template::Parse(text, loc, &t);
  if (!st.ok()) throw std::runtime_error("parse failed: " + st.message());
  return t;
}

}  // namespace ferry::testing
