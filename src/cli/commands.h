// Entry points of ferry's subcommands. main.cc picks the subcommand from the
// first word that names one and passes every other argument (global options
// written before the subcommand included, in their original order) to it.
// Each returns the process exit code (0 ok, 1 failed, 2 usage/input error,
// 130 interrupted) and prints its own messages.
//
// Each command's options are one table (cmdline/option_table.h), defined
// beside its parser; FerryTable() gathers them for help, completion and man.
#pragma once

#include <string>
#include <vector>

#include "cmdline/option_table.h"

namespace ferry {

int RunCommand(const std::vector<std::string>& args);         // ferry run
int LogCommand(const std::vector<std::string>& args);         // ferry log
int CleanCommand(const std::vector<std::string>& args);       // ferry clean
int KillCommand(const std::vector<std::string>& args);        // ferry kill
int ConfigCommand(const std::vector<std::string>& args);      // ferry config show
int S3Command(const std::vector<std::string>& args);          // ferry s3 cp|ls|sync|rm
int AwsCommand(const std::vector<std::string>& args);         // ferry aws whoami|setup|check|teardown
int BuildCommand(const std::vector<std::string>& args);       // ferry build
int HelpCommand(const std::vector<std::string>& args);        // ferry help [CMD [SUBCMD]]
int VersionCommand(const std::vector<std::string>& args);     // ferry version
int CompletionCommand(const std::vector<std::string>& args);  // ferry completion bash|zsh
int ManCommand(const std::vector<std::string>& args);         // ferry man

const cmdline::Command& RunTable();
const cmdline::Command& LogTable();
const cmdline::Command& CleanTable();
const cmdline::Command& KillTable();
const cmdline::Command& ConfigTable();  // "config" with its subcommand show
const cmdline::Command& BuildTable();

// ferry itself: the global options and every command above as subcommands.
const cmdline::Command& FerryTable();

}  // namespace ferry
