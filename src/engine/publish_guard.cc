#include "engine/publish_guard.h"

#include <limits.h>
#include <stdlib.h>

#include "util/path.h"

namespace ferry {

namespace {

// realpath(3) of `path`, or "" when it does not exist (yet).
std::string RealPath(const std::string& path) {
  char buf[PATH_MAX];
  if (!::realpath(path.c_str(), buf)) return "";
  return buf;
}

std::string ParentOf(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos || slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

void PublishGuard::Protect(const std::string& path, const std::string& what, bool resolve) {
  std::string norm = NormalizePath(path);
  if (!files_.count(norm)) files_.emplace(norm, what + " " + norm);
  if (!resolve) return;
  std::string real = RealPath(norm);
  if (!real.empty() && real != norm) files_.emplace(real, what + " " + norm);
}

const std::string* PublishGuard::Holding(const std::string& dest) const {
  auto it = files_.lower_bound(dest);
  if (it == files_.end()) return nullptr;
  // Either dest itself, or the first path inside dest/ (which sorts right
  // after dest + "/", before any sibling such as dest + "x").
  if (it->first == dest) return &it->second;
  it = files_.lower_bound(dest + "/");
  if (it != files_.end() && it->first.compare(0, dest.size() + 1, dest + "/") == 0) return &it->second;
  return nullptr;
}

std::string PublishGuard::ResolveDir(const std::string& dir) const {
  auto it = resolved_dirs_.find(dir);
  if (it != resolved_dirs_.end()) return it->second;
  // The dir may not exist yet (ferry creates publish dirs): resolve the
  // nearest existing ancestor and keep the rest as written.
  std::string real = RealPath(dir);
  if (real.empty() && dir != "/") {
    std::string parent = ResolveDir(ParentOf(dir));
    real = (parent == "/" ? "" : parent) + dir.substr(dir.find_last_of('/'));
  }
  if (real.empty()) real = dir;
  resolved_dirs_.emplace(dir, real);
  return real;
}

Status PublishGuard::Check(const std::string& dest) const {
  if (files_.empty()) return Status::Ok();
  std::string norm = NormalizePath(dest);
  const std::string* hit = Holding(norm);
  if (!hit) {
    std::string dir = ParentOf(norm);
    std::string real = ResolveDir(dir);
    if (real != dir) hit = Holding(real + (real == "/" ? "" : "/") + norm.substr(norm.find_last_of('/') + 1));
  }
  if (!hit) return Status::Ok();
  return Status::Failed("publishing to " + norm + " would overwrite " + *hit +
                        ", which this run reads; publish to a directory of its own (e.g. publish: results)");
}

}  // namespace ferry
