#include "pipeline/path_props.h"

namespace ferry {

namespace {
std::string_view StripTrailingSlashes(std::string_view p) {
  while (p.size() > 1 && p.back() == '/') p.remove_suffix(1);
  return p;
}
}  // namespace

std::string PathName(std::string_view path) {
  path = StripTrailingSlashes(path);
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return std::string(path);
  if (path.size() == 1) return "/";
  return std::string(path.substr(slash + 1));
}

std::string PathStem(std::string_view path) {
  std::string name = PathName(path);
  size_t dot = name.rfind('.');
  if (dot == std::string::npos || dot == 0) return name;  // a leading dot is not an extension
  return name.substr(0, dot);
}

std::string PathExt(std::string_view path) {
  std::string name = PathName(path);
  size_t dot = name.rfind('.');
  if (dot == std::string::npos || dot == 0) return "";
  return name.substr(dot + 1);
}

std::string PathDir(std::string_view path) {
  path = StripTrailingSlashes(path);
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  std::string_view dir = StripTrailingSlashes(path.substr(0, slash));
  return std::string(dir);
}

const std::vector<std::string>& PathPropertyNames() {
  static const std::vector<std::string>* names = new std::vector<std::string>{"name", "stem", "ext", "dir"};
  return *names;
}

bool PathProperty(std::string_view prop, std::string_view path, std::string* out) {
  if (prop == "name") *out = PathName(path);
  else if (prop == "stem") *out = PathStem(path);
  else if (prop == "ext") *out = PathExt(path);
  else if (prop == "dir") *out = PathDir(path);
  else return false;
  return true;
}

}  // namespace ferry
