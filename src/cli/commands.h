// Entry points of ferry's subcommands. main.cc picks the subcommand from the
// first word that names one and passes every other argument (global options
// written before the subcommand included, in their original order) to it.
// Each returns the process exit code (0 ok, 1 failed, 2 usage/input error,
// 130 interrupted) and prints its own messages.
#pragma once

#include <string>
#include <vector>

namespace ferry {

int RunCommand(const std::vector<std::string>& args);     // ferry run
int LogCommand(const std::vector<std::string>& args);     // ferry log
int CleanCommand(const std::vector<std::string>& args);   // ferry clean
int ConfigCommand(const std::vector<std::string>& args);  // ferry config show
int S3Command(const std::vector<std::string>& args);      // ferry s3 cp|ls|sync|rm
int AwsCommand(const std::vector<std::string>& args);     // ferry aws whoami
int BuildCommand(const std::vector<std::string>& args);   // ferry build

}  // namespace ferry
