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

#include "aws/settings.h"
#include "cli/commands.h"
#include "remote_build/build_driver.h"
#include "remote_build/build_settings.h"
#include "util/text.h"

namespace ferry {

namespace {

const char kBuildUsage[] =
    "usage: ferry build [--local | --aws-batch] [options] DIR [-- workflow args]\n"
    "       ferry build --aws-batch --attach JOB_ID [DIR] [--cancel | --no-download]\n"
    "       ferry build --list [--json]\n"
    "\n"
    "Runs DIR's workflow: pipeline.yml (ferry run), Snakefile (snakemake), Makefile (make),\n"
    "or the command given with --exec.\n"
    "\n"
    "  --local                        run in DIR on this machine (the default)\n"
    "  --aws-batch                    run as one AWS Batch job: upload, submit, watch, download\n"
    "  --exec CMD                     the command to run instead of the detected workflow\n"
    "  --cpus N, --memory SIZE        size of the job (e.g. 14gib), also passed to the workflow\n"
    "  --aws-batch-s3-bucket B[/P]    bucket (and prefix) for the directory's mirror\n"
    "  --aws-batch-job NAME           job definition (default ferry-job)\n"
    "  --aws-batch-queue NAME         job queue (default ferry-job-queue)\n"
    "  --aws-batch-cpus N, --aws-batch-memory MIB   job size without telling the workflow\n"
    "  --aws-batch-cli PATH           CLI the job uses for S3 (aws, or a ferry binary)\n"
    "  --exclude-from-upload GLOB     leave matching files out of the upload (repeatable)\n"
    "  --download GLOB                download only matching results (repeatable, !GLOB negates)\n"
    "  --exclude-from-download GLOB   do not download matching results (repeatable)\n"
    "  --no-download                  download nothing\n"
    "  --no-logs                      do not stream the job's log\n"
    "  --forward-aws-credentials      give the job your AWS credentials (through S3, never its environment)\n"
    "  --detach                       return once the job is submitted\n"
    "  --attach JOB_ID                follow an earlier job again (DIR optional with --no-download/--cancel)\n"
    "  --cancel                       with --attach: stop the job\n"
    "  --runnable-warning DURATION    warn when the job waits in RUNNABLE this long (default 5m)\n"
    "  --list                         this machine's past and running builds\n"
    "  --json                         machine-readable records on stdout\n"
    "  --region R, --profile P, --endpoint-url URL   AWS settings\n"
    "\n"
    "Settings are read from options, then FERRY_AWS_BATCH_* variables, then [aws-batch] in\n"
    "~/.ferry/config (FERRY_CONFIG overrides the path). See docs/build.md.\n"
    "exit codes: the workflow's (or job's) exit code; 1 AWS or setup problem; 2 bad input; 130 interrupted\n";

// What ParseArgs fills in is what the driver takes.
using BuildArgs = remote_build::BuildRequest;

Status ParseArgs(const std::vector<std::string>& args, BuildArgs* out, bool* help) {
  std::vector<std::string> positional;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    if (a == "--") {
      out->workflow_args.assign(args.begin() + i + 1, args.end());
      break;
    }
    std::optional<std::string> inline_value;
    if (StartsWith(a, "--")) {
      auto eq = a.find('=');
      if (eq != std::string::npos) {
        inline_value = a.substr(eq + 1);
        a = a.substr(0, eq);
      }
    }
    auto value = [&](std::string* v) -> Status {
      if (inline_value) {
        *v = *inline_value;
        return Status::Ok();
      }
      if (i + 1 >= args.size()) return Status::Invalid(a + " needs a value");
      *v = args[++i];
      return Status::Ok();
    };
    auto opt = [&](std::optional<std::string>* v) -> Status {
      std::string s;
      FERRY_RETURN_IF_ERROR(value(&s));
      *v = s;
      return Status::Ok();
    };
    auto flag = [&](bool* b) -> Status {
      if (inline_value) return Status::Invalid(a + " takes no value");
      *b = true;
      return Status::Ok();
    };
    std::string v;
    Status s;
    if (a == "-h" || a == "--help") *help = true;
    else if (a == "--local") s = flag(&out->local);
    else if (a == "--aws-batch") s = flag(&out->aws_batch);
    else if (a == "--exec") s = value(&out->exec);
    else if (a == "--cpus") s = opt(&out->flags.cpus);
    else if (a == "--memory") s = opt(&out->flags.memory);
    else if (a == "--aws-batch-s3-bucket") s = opt(&out->flags.s3_bucket);
    else if (a == "--aws-batch-job") s = opt(&out->flags.job);
    else if (a == "--aws-batch-queue") s = opt(&out->flags.queue);
    else if (a == "--aws-batch-cpus") s = opt(&out->flags.batch_cpus);
    else if (a == "--aws-batch-memory") s = opt(&out->flags.batch_memory);
    else if (a == "--aws-batch-cli") s = opt(&out->flags.cli);
    else if (a == "--exclude-from-upload") { s = value(&v); out->exclude_upload.push_back(v); }
    else if (a == "--download") { s = value(&v); out->download.push_back(v); }
    else if (a == "--exclude-from-download") { s = value(&v); out->exclude_download.push_back(v); }
    else if (a == "--no-download") s = flag(&out->no_download);
    else if (a == "--no-logs") s = flag(&out->no_logs);
    else if (a == "--forward-aws-credentials") s = flag(&out->forward_credentials);
    else if (a == "--detach") s = flag(&out->detach);
    else if (a == "--attach") s = value(&out->attach);
    else if (a == "--cancel") s = flag(&out->cancel);
    else if (a == "--list") s = flag(&out->list);
    else if (a == "--json") s = flag(&out->json);
    else if (a == "--runnable-warning") s = opt(&out->runnable_warning);
    else if (a == "--region") { s = value(&out->aws.region); out->aws.region_origin = "--region"; }
    else if (a == "--profile") {
      s = value(&out->aws.profile);
      out->aws.profile_origin = "--profile";
      out->aws.profile_overrides_env = true;
    } else if (a == "--endpoint-url") {
      s = value(&out->aws.endpoint_url);
      out->aws.endpoint_origin = "--endpoint-url";
    } else if (a.size() > 1 && a[0] == '-') {
      static const std::vector<std::string> known = {
          "--local", "--aws-batch", "--exec", "--cpus", "--memory", "--aws-batch-s3-bucket", "--aws-batch-job",
          "--aws-batch-queue", "--aws-batch-cpus", "--aws-batch-memory", "--aws-batch-cli",
          "--exclude-from-upload", "--download", "--exclude-from-download", "--no-download", "--no-logs",
          "--forward-aws-credentials", "--detach", "--attach", "--cancel", "--list", "--json",
          "--runnable-warning", "--region", "--profile", "--endpoint-url"};
      return Status::Invalid("unknown option '" + a + "'" + DidYouMean(a, known) +
                             " (workflow arguments go after `--`; see ferry build --help)");
    } else {
      positional.push_back(a);
    }
    if (!s.ok()) return s;
  }
  if (positional.size() > 1)
    return Status::Invalid("one build directory expected, got " + std::to_string(positional.size()) + ": " +
                           Join(positional, ", ") + " (workflow arguments go after `--`)");
  if (!positional.empty()) out->dir = positional[0];
  return Status::Ok();
}

int Fail(const Status& s) {
  std::fprintf(stderr, "ferry build: %s\n", s.message().c_str());
  return s.exit_code();
}

}  // namespace

int BuildCommand(const std::vector<std::string>& args) {
  BuildArgs a;
  bool help = false;
  if (Status s = ParseArgs(args, &a, &help); !s.ok()) return Fail(s);
  if (help) {
    std::fputs(kBuildUsage, stdout);
    return 0;
  }
  return remote_build::RunBuild(a);
}

}  // namespace ferry
