// PublishGuard: the files a run must never publish over. A publish dir of
// "." with an output called pipeline.yml, or an output named like one of the
// run's inputs, would replace the pipeline's own files or the data it reads
// (and silently change what the next -resume hashes). The launch lists what
// the run reads (the pipeline file, its config files, the params file, the
// local inputs); the driver asks before the run starts (exit 2 for targets
// known up front) and again before each publish (a task failure, for
// targets that only appear at run time).
#pragma once

#include <map>
#include <set>
#include <string>

#include "util/status.h"

namespace ferry {

class PublishGuard {
 public:
  // `path` (absolute) is something the run reads; `what` says what it is
  // ("the pipeline file", "an input of task 'x'"). `resolve` also records
  // the path with symlinks resolved: worth it for the run's few own files,
  // too slow for 100,000 inputs (which come from globs, already real).
  void Protect(const std::string& path, const std::string& what, bool resolve);

  // Ok unless publishing to `dest` (absolute) would replace a protected
  // file: `dest` is that file (also through symlinked directories), or a
  // directory holding it (a directory output replaces the whole dir).
  // Otherwise Failed naming the file and what it is.
  Status Check(const std::string& dest) const;

  bool empty() const { return files_.empty(); }

 private:
  std::map<std::string, std::string> files_;  // normalized absolute path -> what it is
  // Directory -> the same with symlinks resolved, so that publishing to 100
  // outputs in one dir resolves it once.
  mutable std::map<std::string, std::string> resolved_dirs_;

  const std::string* Holding(const std::string& dest) const;
  std::string ResolveDir(const std::string& dir) const;
};

}  // namespace ferry
