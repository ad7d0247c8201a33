// Replacing a file in one step: the bytes go to a temporary file beside the
// target, which is then renamed over it, so a reader (or a crash midway)
// sees the old contents or the new ones, never a mix. The one place ferry
// and ferry-awsemu write small state files (caches, metadata, trace headers).
#pragma once

#include <string>
#include <string_view>

#include "util/status.h"

namespace ferry {

// Writes `data` to `path`, creating missing parent directories. Each call
// uses its own temporary name, so threads and processes writing the same
// path never mix their bytes; the last rename wins. On failure nothing is
// left behind. With `fd_out`, the descriptor (now of `path`, open for
// writing) is handed over instead of closed, for callers that keep
// appending.
Status WriteFileAtomically(const std::string& path, std::string_view data, int* fd_out = nullptr);

}  // namespace ferry
