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
Option Concurrency() { return Value("--max-concurrent-requests", "N", "transfers at the same time (1 to 512)"); }

Command Sub(std::string word, std::vector<std::string> synopsis, std::string summary, std::vector<Option> own,
            ValueKind positional) {
  Command c = cmdline::MakeCommand("s3 " + word, std::move(synopsis), std::move(summary), With(std::move(own)));
  c.positional = positional;
  return c;
}

}  // namespace

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
               {Flag("--debug", kCompat), Flag("--no-paginate", kCompat), Value("--output", "FORMAT", kCompat),
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
            {Recursive(), Quiet(), OnlyErrors(), NoProgress(), Exclude(), Include(), Dryrun(),
             Value("--expected-size", "BYTES", kCompat), Concurrency()},
            ValueKind::kFile),
        Sub("ls", {"[s3://BUCKET[/PREFIX]] [options]"}, "list buckets, or the objects under a prefix",
            {Recursive(), Flag("--human-readable", "sizes as KiB, MiB, GiB"),
             Flag("--summarize", "print the object count and total size at the end")},
            ValueKind::kText),
        Sub("sync", {"SOURCE DESTINATION [options]"},
            "copy the files that differ (size or time) between a directory and an S3 prefix",
            {Flag("--delete", "remove destination files the source does not have"), Quiet(), OnlyErrors(), NoProgress(),
             Exclude(), Include(), Dryrun(), Flag("--size-only", "compare sizes only, not times"), Concurrency()},
            ValueKind::kDir),
        Sub("rm", {"s3://BUCKET/KEY [options]"}, "remove an object, or (with --recursive) every object under a prefix",
            {Recursive(), Quiet(), OnlyErrors(), Exclude(), Include(), Dryrun()}, ValueKind::kText),
        Sub("mb", {"s3://BUCKET [options]"}, "create a bucket", {}, ValueKind::kText),
    };
    return s3;
  }();
  return kS3;
}

const Command& AwsCliTable() {
  static const Command kAws = [] {
    const char* summary = "which AWS credentials, region and endpoint ferry would use, and where each came from";
    Command aws = cmdline::MakeCommand("aws", {"whoami [PIPELINE_DIR] [options]"}, summary, AwsGlobalOptions());
    Command whoami = cmdline::MakeCommand("aws whoami", {"[PIPELINE_DIR] [options]"}, summary, AwsGlobalOptions());
    whoami.details =
        "Reads the settings `ferry run PIPELINE_DIR` would use (the environment, ~/.ferry/config, and aws.* in\n"
        "PIPELINE_DIR/ferry.config; without PIPELINE_DIR, the current directory's). --region, --profile and\n"
        "--endpoint-url win over the config.";
    whoami.positional = cmdline::ValueKind::kDir;
    aws.subcommands = {whoami};
    return aws;
  }();
  return kAws;
}

}  // namespace ferry::aws
