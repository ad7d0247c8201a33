// ferry(1): a man(7) page generated from the option tables (option_table.h),
// one section per command with every option, so `ferry man` says exactly
// what the parser accepts.
#pragma once

#include <string>

#include "cmdline/option_table.h"

namespace ferry::cmdline {

// roff text for `man -l -`; version goes into the page footer.
std::string ManPage(const Command& root, const std::string& version);

}  // namespace ferry::cmdline
