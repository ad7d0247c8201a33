// Wall-clock times (epoch milliseconds) as text: local time for listings
// people read, UTC for records other programs read. One strftime path so
// every listing formats the same way.
#pragma once

#include <cstdint>
#include <string>

namespace ferry {

// The wall clock now, in epoch milliseconds: what the listings above format.
int64_t NowMs();

// `epoch_ms` formatted with strftime `format` ("%Y-%m-%d %H:%M:%S").
std::string FormatLocalTime(int64_t epoch_ms, const char* format);
std::string FormatUtcTime(int64_t epoch_ms, const char* format);

}  // namespace ferry
