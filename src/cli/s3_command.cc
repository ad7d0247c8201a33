// `ferry s3 cp|ls|sync|rm|mb`: aws-CLI-compatible S3 transfers (see aws/s3_cli.h).
#include "aws/s3_cli.h"
#include "cli/commands.h"

namespace ferry {

int S3Command(const std::vector<std::string>& args) { return aws::RunS3Cli(args, nullptr, aws::CliIo{}); }

}  // namespace ferry
