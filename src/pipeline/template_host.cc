#include "pipeline/template_host.h"

#include <fnmatch.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "util/text.h"

namespace fs = std::filesystem;

namespace ferry {

namespace {

bool HasWildcard(std::string_view s) { return s.find_first_of("*?[") != std::string_view::npos; }

// Expands the components [i..] of a split pattern below `dir`, appending
// matches to *out. `**` matches zero or more directory levels.
void Expand(const fs::path& dir, const std::vector<std::string>& parts, size_t i, std::vector<std::string>* out) {
  std::error_code ec;
  if (i == parts.size()) {
    if (fs::is_regular_file(dir, ec)) out->push_back(dir.string());
    return;
  }
  const std::string& part = parts[i];
  if (part.empty() || part == ".") {
    Expand(dir, parts, i + 1, out);
    return;
  }
  if (part == "**") {
    Expand(dir, parts, i + 1, out);  // zero levels
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      std::string name = it->path().filename().string();
      if (name.empty() || name[0] == '.') continue;  // like shells, ** skips hidden dirs
      if (it->is_directory(ec) && !it->is_symlink(ec)) Expand(it->path(), parts, i, out);
    }
    return;
  }
  if (!HasWildcard(part)) {
    fs::path next = dir / part;
    if (i + 1 == parts.size() ? fs::exists(next, ec) : fs::is_directory(next, ec)) {
      Expand(next, parts, i + 1, out);
    }
    return;
  }
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (fnmatch(part.c_str(), name.c_str(), FNM_PERIOD) != 0) continue;
    if (i + 1 < parts.size() && !it->is_directory(ec)) continue;
    Expand(it->path(), parts, i + 1, out);
  }
}

}  // namespace

RealTemplateHost::RealTemplateHost(std::string base_dir) {
  std::error_code ec;
  fs::path p = fs::absolute(base_dir.empty() ? fs::path(".") : fs::path(base_dir), ec);
  base_dir_ = p.lexically_normal().string();
  if (base_dir_.size() > 1 && base_dir_.back() == '/') base_dir_.pop_back();
}

std::string RealTemplateHost::Absolute(const std::string& path) {
  if (path.find("://") != std::string::npos) return path;  // URLs (s3://) stay as they are
  fs::path p(path);
  if (p.is_relative()) p = fs::path(base_dir_) / p;
  std::string s = p.lexically_normal().string();
  if (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

Status RealTemplateHost::Glob(const std::string& pattern, std::vector<std::string>* paths) {
  paths->clear();
  if (pattern.find("://") != std::string::npos) {
    return Status::Invalid("files('" + pattern + "'): only local paths can be globbed");
  }
  std::string abs = Absolute(pattern);
  std::vector<std::string> parts = Split(abs, '/');
  // parts[0] is "" for the leading '/'.
  Expand(fs::path("/"), parts, 1, paths);
  for (auto& p : *paths) p = fs::path(p).lexically_normal().string();
  std::sort(paths->begin(), paths->end());
  paths->erase(std::unique(paths->begin(), paths->end()), paths->end());
  return Status::Ok();
}

Status RealTemplateHost::ReadFile(const std::string& path, std::string* contents) {
  std::string abs = Absolute(path);
  std::error_code ec;
  if (fs::is_directory(abs, ec)) return Status::Invalid("cannot read '" + abs + "': it is a directory");
  std::ifstream in(abs, std::ios::binary);
  if (!in) {
    return Status::Invalid("cannot read '" + abs + "': " + std::strerror(errno));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  *contents = std::move(ss).str();
  return Status::Ok();
}

}  // namespace ferry
