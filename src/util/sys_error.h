// How ferry words an operating-system error for a user: the system's
// message and the errno name ("No space left on device (ENOSPC)"), so the
// cause can be looked up and told apart from a failing script. Used where a
// file-system error becomes a task failure or a run error.
#pragma once

#include <string>
#include <system_error>

namespace ferry {

// "No space left on device (ENOSPC)"; an unknown number gives "error 1234".
std::string ErrnoText(int err);

// The same for an error_code from std::filesystem (its value is an errno).
std::string ErrnoText(const std::error_code& ec);

}  // namespace ferry
