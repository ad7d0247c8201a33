// TemplateHost: the outside world as template functions (files, lines, csv,
// tsv) see it. Templates stay pure logic; tests pass a fake host, ferry passes
// RealTemplateHost rooted at the launch directory.
#pragma once

#include <string>
#include <vector>

#include "util/status.h"

namespace ferry {

class TemplateHost {
 public:
  virtual ~TemplateHost() = default;
  // Absolute, normalized paths of files matching `pattern` (relative patterns
  // are relative to the host's base dir), sorted. Supports * ? [..] and **
  // (any depth, including none).
  virtual Status Glob(const std::string& pattern, std::vector<std::string>* paths) = 0;
  virtual Status ReadFile(const std::string& path, std::string* contents) = 0;
  // Absolute form of a path (relative -> against base dir).
  virtual std::string Absolute(const std::string& path) = 0;
  // The directory relative paths resolve against (for error messages).
  virtual std::string base_dir() const { return ""; }
};

// The local filesystem. Globbing walks directories itself because glibc's
// glob(3) has no `**`; each path component is matched with fnmatch(3).
class RealTemplateHost : public TemplateHost {
 public:
  explicit RealTemplateHost(std::string base_dir);
  Status Glob(const std::string& pattern, std::vector<std::string>* paths) override;
  Status ReadFile(const std::string& path, std::string* contents) override;
  std::string Absolute(const std::string& path) override;
  std::string base_dir() const override { return base_dir_; }

 private:
  std::string base_dir_;
};

}  // namespace ferry
