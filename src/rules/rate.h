// Rates such as executor.submitRateLimit: "50" (a second), "50/s",
// "10/2min", "100/1min" or "10 sec". One parser, so the config check and the
// settings that build the rate limiter read the same text the same way.
// Pure: no I/O.
#pragma once

#include <string_view>

namespace ferry::rules {

// Calls per second. False when `text` is not a rate; a count of 0 parses
// (to 0): callers decide whether a rate that allows nothing is an error.
bool ParseRate(std::string_view text, double* per_second);

// How error messages tell users to write a rate.
inline constexpr const char* kRateExamples = "'50/s', '100/1min', '10/2min' or '10 sec'";

}  // namespace ferry::rules
