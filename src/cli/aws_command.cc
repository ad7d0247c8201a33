// `ferry aws whoami [PIPELINE_DIR]`: which credentials and region ferry
// would use, and from where (see aws/whoami.h), with the AWS settings that
// `ferry run` would read for the pipeline directory (the current one when
// none is named).
#include <filesystem>

#include "aws/s3_cli.h"
#include "cli/commands.h"
#include "launch/pipeline_config.h"

namespace ferry {

int AwsCommand(const std::vector<std::string>& args) {
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
