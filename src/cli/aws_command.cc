// `ferry aws whoami`: which credentials and region ferry would use, and from
// where (see aws/whoami.h).
#include "aws/s3_cli.h"
#include "cli/commands.h"

namespace ferry {

int AwsCommand(const std::vector<std::string>& args) { return aws::RunAwsCli(args, nullptr, aws::CliIo{}); }

}  // namespace ferry
