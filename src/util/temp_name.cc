#include "util/temp_name.h"

#include <limits.h>

namespace ferry {

std::string TempNameBeside(const std::string& path, const std::string& unique) {
  size_t slash = path.find_last_of('/');
  std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string suffix = ".ferry-tmp-" + unique;
  size_t room = suffix.size() + 1 < NAME_MAX ? NAME_MAX - 1 - suffix.size() : 0;  // 1 for the leading dot
  if (base.size() > room) base.resize(room);
  return dir + "." + base + suffix;
}

}  // namespace ferry
