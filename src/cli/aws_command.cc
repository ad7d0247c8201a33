// `ferry aws whoami [PIPELINE_DIR]`: which credentials and region ferry
// would use, and from where (see aws/whoami.h), with the AWS settings that
// `ferry run` would read for the pipeline directory (the current one when
// none is named). `ferry aws setup|check|teardown` go to src/awssetup.
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "aws/s3_cli.h"
#include "aws/s3_cli_table.h"
#include "awssetup/setup_cli.h"
#include "cli/commands.h"
#include "launch/pipeline_config.h"

namespace ferry {

int AwsCommand(const std::vector<std::string>& args) {
  const cmdline::Command* sub = nullptr;
  std::vector<std::string> rest;
  if (cmdline::FindSubcommand(aws::AwsCliTable(), args, &sub, &rest).ok() && sub && sub->Word() != "whoami") {
    awssetup::SetupIo io;
    io.terminal = isatty(2);
    if (isatty(0)) {
      io.confirm = [](const std::string& question) {
        std::fputs(question.c_str(), stderr);
        std::string answer;
        if (!std::getline(std::cin, answer)) return false;
        return answer == "y" || answer == "Y" || answer == "yes";
      };
    }
    return awssetup::RunSetupCommand(sub->Word(), rest, nullptr, io);
  }
  auto load = [](const std::string& dir, aws::AwsSettings* out) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec))
      return Status::Invalid("ferry aws whoami: '" + dir +
                             "' is not a directory (name a pipeline directory, "
                             "whose ferry.config gives the AWS settings, or none for the current one)");
    ConfigChoice choice;
    choice.pipeline_dir = dir;
    return AwsSettingsFor(choice, out);
  };
  return aws::RunAwsCli(args, nullptr, aws::CliIo{}, load);
}

}  // namespace ferry
