#include "util/sys_error.h"

#include <string.h>

namespace ferry {

std::string ErrnoText(int err) {
  // strerrorname_np (glibc 2.32) knows every name this libc does; strerror
  // alone would leave the user to map text back to a constant.
  const char* name = ::strerrorname_np(err);
  if (!name) return "error " + std::to_string(err);
  return std::string(::strerror(err)) + " (" + name + ")";
}

std::string ErrnoText(const std::error_code& ec) {
  if (ec.category() == std::generic_category() || ec.category() == std::system_category()) return ErrnoText(ec.value());
  return ec.message();
}

}  // namespace ferry
