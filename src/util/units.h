// Parsing and printing of memory sizes ("2 GB", "512.MB", "14gib") and
// durations ("1h", "30m 10s", "100ms"), as directives and config use them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ferry {

// Memory: a number (integer or decimal) then an optional unit B, KB, MB, GB,
// TB (also K/M/G/T, KiB/MiB/GiB/TiB; any case; space or '.' allowed before the
// unit). Units are binary (1 GB = 1024^3 bytes), as the first reference tool
// counts them. A bare number means bytes. Returns false on bad text.
bool ParseMemory(std::string_view text, int64_t* bytes);
// "2 GB", "512 MB", "1.5 GB", "100 B".
std::string FormatMemory(int64_t bytes);

// Duration: one or more number+unit parts: ms, s, m, h, d (also sec, min,
// hour(s), day(s)); a bare number means milliseconds. "1h 30m", "90s", "2d".
bool ParseDuration(std::string_view text, int64_t* millis);
// "1h 2m 3s", "450ms", "0ms".
std::string FormatDuration(int64_t millis);

}  // namespace ferry
