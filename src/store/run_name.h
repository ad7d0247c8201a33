// Memorable run names ("brave_turing"): easier to type into `ferry log` and
// `-resume NAME` than a number, and easy to tell apart in a list.
#pragma once

#include <cstdint>
#include <string>

namespace ferry {

// Maps any 64-bit number (take it from a random source) to "adjective_surname".
// About 6,000 combinations; callers make names unique by retrying.
std::string RunNameFromNumber(uint64_t n);

}  // namespace ferry
