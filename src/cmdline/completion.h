// Shell completion scripts for bash and zsh generated from the option tables
// (option_table.h): they complete command and subcommand names, each
// command's options, and an option's value or a positional word by its kind
// (file names, directories, a fixed set of words).
#pragma once

#include <string>

#include "cmdline/option_table.h"

namespace ferry::cmdline {

// A script to source in bash; defines _ferry and registers it for `ferry`.
std::string BashCompletion(const Command& root);

// A script to source in zsh after compinit (it registers _ferry with
// compdef), or to save as _ferry in $fpath (#compdef autoloads it).
std::string ZshCompletion(const Command& root);

}  // namespace ferry::cmdline
