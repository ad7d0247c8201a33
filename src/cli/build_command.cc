// `ferry build`: runs a whole directory's workflow (ferry run, snakemake,
// make or --exec) either here (--local) or as one AWS Batch job
// (--aws-batch): upload the directory's changes, submit, watch the status
// and stream the log, download the results. Also detach/attach/cancel and
// the local list of past builds. This file parses the command line;
// remote_build::RunBuild (remote_build/build_driver.h) does the rest.
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "aws/s3_cli_table.h"
#include "aws/settings.h"
#include "cli/commands.h"
#include "cmdline/help_text.h"
#include "remote_build/build_driver.h"
#include "remote_build/build_settings.h"
#include "util/text.h"

namespace ferry {

namespace {

// What ParseArgs fills in is what the driver takes.
using BuildArgs = remote_build::BuildRequest;

Status ParseArgs(const std::vector<std::string>& args, BuildArgs* out, bool* help) {
  cmdline::Parsed p;
  FERRY_RETURN_IF_ERROR(cmdline::Parse(BuildTable(), args, &p));
  *help = p.help;
  if (p.help) return Status::Ok();
  // Settings that may also come from the environment or ~/.ferry/config are
  // optional: unset here means "look further".
  const std::vector<std::pair<const char*, std::optional<std::string>*>> settings = {
      {"--cpus", &out->flags.cpus},
      {"--memory", &out->flags.memory},
      {"--aws-batch-s3-bucket", &out->flags.s3_bucket},
      {"--aws-batch-job", &out->flags.job},
      {"--aws-batch-queue", &out->flags.queue},
      {"--aws-batch-cpus", &out->flags.batch_cpus},
      {"--aws-batch-memory", &out->flags.batch_memory},
      {"--aws-batch-cli", &out->flags.cli},
      {"--runnable-warning", &out->runnable_warning}};
  const std::vector<std::pair<const char*, bool*>> flags = {{"--local", &out->local},
                                                            {"--aws-batch", &out->aws_batch},
                                                            {"--no-download", &out->no_download},
                                                            {"--no-logs", &out->no_logs},
                                                            {"--forward-aws-credentials", &out->forward_credentials},
                                                            {"--detach", &out->detach},
                                                            {"--cancel", &out->cancel},
                                                            {"--list", &out->list},
                                                            {"--json", &out->json}};
  for (const auto& h : p.options) {
    for (const auto& [name, dest] : settings)
      if (h.is(name)) *dest = h.value;
    for (const auto& [name, dest] : flags)
      if (h.is(name)) *dest = true;
    if (h.is("--exec")) out->exec = h.value;
    else if (h.is("--attach")) out->attach = h.value;
    else if (h.is("--exclude-from-upload")) out->exclude_upload.push_back(h.value);
    else if (h.is("--download")) out->download.push_back(h.value);
    else if (h.is("--exclude-from-download")) out->exclude_download.push_back(h.value);
    else if (h.is("--region")) {
      out->aws.region = h.value;
      out->aws.region_origin = "--region";
    } else if (h.is("--profile")) {
      out->aws.profile = h.value;
      out->aws.profile_origin = "--profile";
      out->aws.profile_overrides_env = true;
    } else if (h.is("--endpoint-url")) {
      out->aws.endpoint_url = h.value;
      out->aws.endpoint_origin = "--endpoint-url";
    }
  }
  out->workflow_args = p.passthrough;
  if (p.positional.size() > 1)
    return Status::Invalid("one build directory expected, got " + std::to_string(p.positional.size()) + ": " +
                           Join(p.positional, ", ") + " (workflow arguments go after `--`)");
  if (!p.positional.empty()) out->dir = p.positional[0];
  return Status::Ok();
}

int Fail(const Status& s) {
  std::fprintf(stderr, "ferry build: %s\n", s.message().c_str());
  return s.exit_code();
}

}  // namespace

const cmdline::Command& BuildTable() {
  using cmdline::Flag;
  using cmdline::Value;
  using cmdline::ValueKind;
  static const cmdline::Command kBuild = [] {
    cmdline::Command c =
        cmdline::MakeCommand("build",
                             {"[--local | --aws-batch] [options] DIR [-- workflow args]",
                              "--aws-batch --attach JOB_ID [DIR] [--cancel | --no-download]", "--list [--json]"},
                             "run a directory's workflow here or as one AWS Batch job");
    c.details =
        "Runs DIR's workflow: pipeline.yml (ferry run), Snakefile (snakemake), Makefile (make),\n"
        "or the command given with --exec.\n"
        "\n"
        "Settings are read from options, then FERRY_AWS_BATCH_* variables, then the build scope of\n"
        "~/.ferry/config (FERRY_CONFIG overrides the path). See docs/build.md.\n"
        "\n"
        "exit codes: the workflow's (or job's) exit code; 1 AWS or setup problem; 2 bad input; 130 interrupted";
    c.options = {
        Flag("--local", "run in DIR on this machine (the default)"),
        Flag("--aws-batch", "run as one AWS Batch job: upload, submit, watch, download"),
        Value("--exec", "CMD", "the command to run instead of the detected workflow"),
        Value("--cpus", "N", "size of the job, also passed to the workflow"),
        Value("--memory", "SIZE", "memory of the job (e.g. 14gib), also passed to the workflow"),
        Value("--aws-batch-s3-bucket", "B[/P]", "bucket (and prefix) for the directory's mirror"),
        Value("--aws-batch-job", "NAME", "job definition (default ferry-job)"),
        Value("--aws-batch-queue", "NAME", "job queue (default ferry-job-queue)"),
        Value("--aws-batch-cpus", "N", "job vCPUs without telling the workflow"),
        Value("--aws-batch-memory", "MIB", "job memory without telling the workflow"),
        Value("--aws-batch-cli", "PATH", "CLI the job uses for S3 (aws, or a ferry binary)"),
        Value("--exclude-from-upload", "GLOB", "leave matching files out of the upload (repeatable)"),
        Value("--download", "GLOB", "download only matching results (repeatable, !GLOB negates)"),
        Value("--exclude-from-download", "GLOB", "do not download matching results (repeatable)"),
        Flag("--no-download", "download nothing"),
        Flag("--no-logs", "do not stream the job's log"),
        Flag("--forward-aws-credentials", "give the job your AWS credentials (through S3, never its environment)"),
        Flag("--detach", "return once the job is submitted"),
        Value("--attach", "JOB_ID", "follow an earlier job again (DIR optional with --no-download/--cancel)"),
        Flag("--cancel", "with --attach: stop the job"),
        Value("--runnable-warning", "DURATION", "warn when the job waits in RUNNABLE this long (default 5m)"),
        Flag("--list", "this machine's past and running builds"),
        Flag("--json", "machine-readable records on stdout"),
    };
    for (const auto& o : aws::AwsSettingOptions()) c.options.push_back(o);
    c.positional = ValueKind::kDir;
    c.passthrough = true;
    c.unknown_hint = "workflow arguments go after `--`";
    return c;
  }();
  return kBuild;
}

int BuildCommand(const std::vector<std::string>& args) {
  BuildArgs a;
  bool help = false;
  if (Status s = ParseArgs(args, &a, &help); !s.ok()) return Fail(s);
  if (help) {
    std::fputs(cmdline::HelpText(BuildTable()).c_str(), stdout);
    return 0;
  }
  return remote_build::RunBuild(a);
}

}  // namespace ferry
