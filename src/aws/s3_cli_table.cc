#include "aws/s3_cli_table.h"

namespace ferry::aws {

namespace {

using cmdline::Command;
using cmdline::Flag;
using cmdline::Option;
using cmdline::Value;
using cmdline::ValueKind;

// The accepted-for-compatibility options keep aws CLI command lines working
// unchanged; ferry's own timeouts, paging and part sizing apply.
constexpr const char* kCompat = "accepted so aws CLI command lines work unchanged; no effect";

std::vector<Option> With(std::vector<Option> own) {
  own.insert(own.end(), AwsGlobalOptions().begin(), AwsGlobalOptions().end());
  return own;
}

Option Recursive() { return Flag("--recursive", "every object under the prefix (or file under the directory)"); }
Option Quiet() { return Flag("--quiet", "print nothing about the transfers, only errors"); }
Option OnlyErrors() { return Flag("--only-show-errors", "print errors only"); }
Option NoProgress() { return Flag("--no-progress", "no progress bar"); }
Option Exclude() { return Value("--exclude", "GLOB", "leave out matching paths (repeatable; later filters win)"); }
Option Include() { return Value("--include", "GLOB", "keep matching paths an earlier --exclude left out"); }
Option Dryrun() { return Flag("--dryrun", "print what would be done, do nothing"); }
// The objects' settings, as the aws CLI spells them (aws/s3_object_settings.h).
std::vector<Option> ObjectOptions() {
  return {Value("--sse", "AES256|aws:kms", "server-side encryption of the objects written"),
          Value("--sse-kms-key-id", "KEY", "the KMS key (id, ARN or alias) of --sse aws:kms; implies it"),
          Value("--storage-class", "CLASS", "storage class of the objects written (e.g. STANDARD_IA)"),
          Value("--acl", "ACL", "canned ACL of the objects written (e.g. bucket-owner-full-control)")};
}
Option RequestPayer() {
  return Value("--request-payer", "requester", "pay for the requests to a requester-pays bucket");
}
std::vector<Option> Plus(std::vector<Option> a, const std::vector<Option>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}
Option Concurrency() { return Value("--max-concurrent-requests", "N", "transfers at the same time (1 to 512)"); }

Command Sub(std::string word, std::vector<std::string> synopsis, std::string summary, std::vector<Option> own,
            ValueKind positional) {
  Command c = cmdline::MakeCommand("s3 " + word, std::move(synopsis), std::move(summary), With(std::move(own)));
  c.positional = positional;
  return c;
}

Option SetupName() {
  return Value("--name", "NAME", "the set-up's name, in every resource's name and tag (default: ferry)");
}
Option Json() { return Flag("--json", "print the plan or the report as JSON"); }

}  // namespace

cmdline::Command AwsSetupCommand(const std::string& word) {
  if (word == "setup") {
    Command c = cmdline::MakeCommand(
        "aws setup", {"[options]"}, "create the AWS resources ferry's Batch runs and builds need, or repair them",
        {SetupName(), Value("--bucket", "BUCKET", "the bucket for work files and builds (default: ferry-NAME-ACCOUNT)"),
         Value("--expire-days", "DAYS", "objects and job logs expire after this many days (default: 30)"),
         Value("--max-vcpus", "N", "the compute environment's largest size in vCPUs (default: 16)"),
         Value("--instance-types", "TYPES", "comma-separated EC2 instance types (default: optimal)"),
         Flag("--spot", "spot instances (capacity-optimized) instead of on-demand"),
         Value("--disk", "SIZE", "a launch template with a gp3 root volume of SIZE (e.g. 200gib)"),
         Flag("--nvme", "a launch template that puts Docker's storage on the instance stores"),
         Value("--image", "IMAGE", "the container image of the job definition for ferry build"),
         Value("--subnets", "IDS", "comma-separated subnets (default: the default VPC's)"),
         Value("--security-group", "ID", "the security group (default: the default VPC's default group)"),
         Flag("--dry-run", "print what exists and what would be created or changed, with the policies; change nothing"),
         Json()});
    c.details =
        "Creates what is missing and leaves what is right alone: running it again changes nothing.\n"
        "At the end the names go into the user config (~/.ferry/config, or $FERRY_CONFIG), so that\n"
        "`ferry build --aws-batch` and `process.executor = 'awsbatch'` need no further options.\n"
        "See docs/aws-setup.md for every resource and policy.";
    c.options.insert(c.options.end(), AwsSettingOptions().begin(), AwsSettingOptions().end());
    return c;
  }
  if (word == "check") {
    Command c = cmdline::MakeCommand("aws check", {"[options]"},
                                     "read-only: is each piece of the set-up there and right, and may these "
                                     "credentials use it",
                                     {SetupName(), Json()});
    c.details =
        "Prints ok, missing or wrong for every piece, with the fix, then writes and deletes a test object in\n"
        "the bucket and explains jobs of the queue that stay RUNNABLE. Exit 0 when all is ok, 1 otherwise.";
    c.options.insert(c.options.end(), AwsSettingOptions().begin(), AwsSettingOptions().end());
    return c;
  }
  Command c = cmdline::MakeCommand(
      "aws teardown", {"[options]"}, "remove what `ferry aws setup` created (found by its tag)",
      {SetupName(), Flag("--yes", "do not ask before deleting"),
       Flag("--delete-data", "also delete the bucket with every object in it, and the job log group"),
       Flag("--dry-run", "print what would be removed; remove nothing"), Json()});
  c.details =
      "Removes in dependency order: job definition, queue (disabled first), compute environment, launch\n"
      "template, instance profile, roles, users' group. The bucket's objects and the job logs stay unless\n"
      "--delete-data. Asks before deleting unless --yes.";
  c.options.insert(c.options.end(), AwsSettingOptions().begin(), AwsSettingOptions().end());
  return c;
}

const std::vector<Option>& AwsSettingOptions() {
  static const std::vector<Option> kSettings = {
      Value("--region", "REGION", "AWS region (before AWS_REGION and the profile's region)"),
      Value("--endpoint-url", "URL", "send AWS requests to this endpoint (e.g. a local emulator)"),
      Value("--profile", "NAME", "profile of ~/.aws/config and ~/.aws/credentials (before AWS_PROFILE)"),
  };
  return kSettings;
}

const std::vector<Option>& AwsGlobalOptions() {
  static const std::vector<Option> kGlobal = [] {
    std::vector<Option> all = AwsSettingOptions();
    all.insert(all.end(),
               {Flag("--no-sign-request", "send requests unsigned: reads of public buckets, no credentials needed"),
                Flag("--debug", kCompat), Flag("--no-paginate", kCompat), Value("--output", "FORMAT", kCompat),
                Value("--cli-read-timeout", "SECONDS", kCompat), Value("--cli-connect-timeout", "SECONDS", kCompat)});
    return all;
  }();
  return kGlobal;
}

const Command& S3CliTable() {
  static const Command kS3 = [] {
    Command s3 = cmdline::MakeCommand("s3", {"cp|ls|sync|rm|mb [options] ARGS..."},
                                      "fast S3 transfers with the aws CLI's argument forms", AwsGlobalOptions());
    s3.details =
        "Output and exit codes follow the aws CLI (one line per file, 1 when anything failed,\n"
        "2 for usage errors), so ferry can stand in for `aws s3` inside a Batch job.\n"
        "`-` as SOURCE or DESTINATION of cp is stdin or stdout.";
    s3.subcommands = {
        Sub("cp", {"SOURCE DESTINATION [options]"},
            "copy a file, stdin, or (with --recursive) a directory to or from S3",
            Plus({Recursive(), Quiet(), OnlyErrors(), NoProgress(), Exclude(), Include(), Dryrun(),
                  Value("--expected-size", "BYTES", kCompat), Concurrency(), RequestPayer()},
                 ObjectOptions()),
            ValueKind::kFile),
        Sub("ls", {"[s3://BUCKET[/PREFIX]] [options]"}, "list buckets, or the objects under a prefix",
            {Recursive(), Flag("--human-readable", "sizes as KiB, MiB, GiB"),
             Flag("--summarize", "print the object count and total size at the end"), RequestPayer()},
            ValueKind::kText),
        Sub("sync", {"SOURCE DESTINATION [options]"},
            "copy the files that differ (size or time) between a directory and an S3 prefix",
            Plus({Flag("--delete", "remove destination files the source does not have"), Quiet(), OnlyErrors(),
                  NoProgress(), Exclude(), Include(), Dryrun(), Flag("--size-only", "compare sizes only, not times"),
                  Concurrency(), RequestPayer()},
                 ObjectOptions()),
            ValueKind::kDir),
        Sub("rm", {"s3://BUCKET/KEY [options]"}, "remove an object, or (with --recursive) every object under a prefix",
            {Recursive(), Quiet(), OnlyErrors(), Exclude(), Include(), Dryrun(), RequestPayer()}, ValueKind::kText),
        Sub("mb", {"s3://BUCKET [options]"}, "create a bucket", {}, ValueKind::kText),
    };
    return s3;
  }();
  return kS3;
}

const Command& AwsCliTable() {
  static const Command kAws = [] {
    const char* summary = "which AWS credentials, region and endpoint ferry would use, and where each came from";
    Command aws = cmdline::MakeCommand("aws", {"whoami [PIPELINE_DIR] [options]", "setup|check|teardown [options]"},
                                       "which AWS credentials ferry would use; create, check and remove ferry's AWS "
                                       "set-up",
                                       AwsGlobalOptions());
    Command whoami = cmdline::MakeCommand("aws whoami", {"[PIPELINE_DIR] [options]"}, summary, AwsGlobalOptions());
    whoami.details =
        "Reads the settings `ferry run PIPELINE_DIR` would use (the environment, ~/.ferry/config, and aws.* in\n"
        "PIPELINE_DIR/ferry.config; without PIPELINE_DIR, the current directory's). --region, --profile and\n"
        "--endpoint-url win over the config.";
    whoami.positional = cmdline::ValueKind::kDir;
    aws.subcommands = {whoami, AwsSetupCommand("setup"), AwsSetupCommand("check"), AwsSetupCommand("teardown")};
    return aws;
  }();
  return kAws;
}

}  // namespace ferry::aws
