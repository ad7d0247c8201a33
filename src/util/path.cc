#include "util/path.h"

#include <vector>

namespace ferry {

namespace {
// Fast check: does p need any rewriting?
bool IsNormal(std::string_view p) {
  if (p.empty()) return false;
  size_t i = 0;
  while (i < p.size()) {
    size_t j = p.find('/', i);
    if (j == std::string_view::npos) j = p.size();
    std::string_view part = p.substr(i, j - i);
    if (part == "." || part == "..") return false;
    if (part.empty() && !(i == 0 && j == 0)) return false;  // "//" or trailing '/'
    i = j + 1;
  }
  return p.back() != '/' || p.size() == 1;
}
}  // namespace

std::string NormalizePath(std::string_view p) {
  if (IsNormal(p)) return std::string(p);
  bool absolute = !p.empty() && p[0] == '/';
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i <= p.size()) {
    size_t j = p.find('/', i);
    if (j == std::string_view::npos) j = p.size();
    std::string_view part = p.substr(i, j - i);
    if (part.empty() || part == ".") {
      // skip
    } else if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!absolute) {
        parts.push_back(part);
      }
    } else {
      parts.push_back(part);
    }
    i = j + 1;
  }
  std::string out = absolute ? "/" : "";
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k) out += '/';
    out += parts[k];
  }
  if (out.empty()) out = ".";
  return out;
}

std::string AbsolutePath(std::string_view base, std::string_view p) {
  if (!p.empty() && p[0] == '/') return NormalizePath(p);
  std::string joined;
  joined.reserve(base.size() + 1 + p.size());
  joined += base;
  joined += '/';
  joined += p;
  return NormalizePath(joined);
}

std::string_view PathBaseName(std::string_view p) {
  while (p.size() > 1 && p.back() == '/') p.remove_suffix(1);
  size_t slash = p.rfind('/');
  return slash == std::string_view::npos ? p : p.substr(slash + 1);
}

bool PathHasParentRef(std::string_view p) {
  size_t i = 0;
  while (i <= p.size()) {
    size_t j = p.find('/', i);
    if (j == std::string_view::npos) j = p.size();
    if (p.substr(i, j - i) == "..") return true;
    i = j + 1;
  }
  return false;
}

}  // namespace ferry
