// The option tables of `ferry s3 cp|ls|sync|rm|mb` and `ferry aws
// whoami|setup|check|teardown`
// (see cmdline/option_table.h): what s3_cli.cc parses and what ferry's
// --help, completion and man page show for them.
#pragma once

#include <string>
#include <vector>

#include "cmdline/option_table.h"

namespace ferry::aws {

// --region, --endpoint-url and --profile: the AWS settings a command line
// can give (ferry s3, ferry aws, ferry build).
const std::vector<cmdline::Option>& AwsSettingOptions();

// The aws CLI's global options (--region, --endpoint-url, --profile, and
// those accepted for compatibility only), valid anywhere on the line.
const std::vector<cmdline::Option>& AwsGlobalOptions();

const cmdline::Command& S3CliTable();   // "s3" with its subcommands
const cmdline::Command& AwsCliTable();  // "aws" with whoami, setup, check, teardown
// The table of `ferry aws setup`, `check` or `teardown` (`word`); the
// commands themselves are in src/awssetup.
cmdline::Command AwsSetupCommand(const std::string& word);

}  // namespace ferry::aws
