// `--help` text generated from a command's option table (option_table.h):
// the usage lines, the description, the subcommands and every option with
// its value's name and help line.
#pragma once

#include <string>

#include "cmdline/option_table.h"

namespace ferry::cmdline {

// The full help of cmd, for stdout. For ferry itself (path "") this is the
// overview of every command.
std::string HelpText(const Command& cmd);

// "-c FILE, -config FILE": how an option is written, for help and the man page.
std::string OptionSynopsis(const Option& o);

// "ferry run [options] PIPELINE ...": cmd's usage lines, one per line.
std::vector<std::string> UsageLines(const Command& cmd);

}  // namespace ferry::cmdline
