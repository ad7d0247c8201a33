// Reading a file the user named (a pipeline, a config, a params file) without
// trusting what it is. `ferry run /dev/zero` must not read until memory runs
// out, a FIFO must not block ferry forever, and a directory must not be read
// as empty text: every such file is opened without blocking, checked to be a
// regular file below a size limit, and only then read.
#pragma once

#include <cstdint>
#include <string>

#include "util/status.h"

namespace ferry {

// Pipelines, configs and params files are text a person writes; anything
// larger is a wrong path (a data file, a device), not a pipeline.
inline constexpr int64_t kMaxUserFileBytes = 16 * 1024 * 1024;

// Reads the whole of `path` into *text. Fails with NotFound when the file does
// not exist, and Invalid (saying what the file is instead, and the limit) when
// it is not a regular file or larger than `max_bytes`. The message does not
// repeat the path: callers put it where their message needs it.
Status ReadUserFile(const std::string& path, std::string* text, int64_t max_bytes = kMaxUserFileBytes);

}  // namespace ferry
