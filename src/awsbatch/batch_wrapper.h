// The text ferry puts into an AWS Batch job, as pure functions: the job's
// command (fetch the task's .command.run from S3 with the AWS CLI, run it,
// forward SIGTERM, upload .command.log on exit) and the .command.run script
// itself (stage inputs in parallel with retries, run .command.sh in a scratch
// dir, under the CLI's `measure` when it has one, upload declared outputs on
// success, always upload .command.out/.err, .command.usage and .exitcode).
// Late outputs (patterns, optional files) are looked for in the job, which
// uploads what it found and lists it in .command.found, the record
// ParseFoundOutputs reads back for the driver.
// Both are POSIX sh (dash, busybox ash), so an image needs only /bin/sh.
// Nothing here does I/O, so every quoting case is testable.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "util/status.h"

namespace ferry {

// How jobs reach S3: the CLI and its flags (`aws` or a `ferry` binary, which
// accepts the same `s3 cp` forms).
struct WrapperSettings {
  std::string cli_path;      // empty: `aws` from the container's PATH
  std::string region;        // --region
  std::string endpoint_url;  // --endpoint-url when set
  // The S3 object settings as `s3 cp` flags (aws/s3_object_settings.h
  // S3CliFlags: --sse, --storage-class, --acl, --request-payer, ...).
  std::vector<std::string> s3_flags;
  int max_parallel_transfers = 4;
  int max_transfer_attempts = 1;
  int64_t delay_between_attempts_ms = 10000;
};

// One file or directory to fetch before the task runs.
struct JobInput {
  std::string url;   // s3://bucket/key (a prefix when is_dir)
  std::string name;  // relative to the task dir
  bool is_dir = false;
};

struct TaskScript {
  std::string work_url;  // s3://bucket/dir of the task (no trailing slash)
  std::vector<JobInput> inputs;
  std::vector<std::string> outputs;  // relative names, files or dirs
  // Outputs known once the task ends: {name, pattern or optional path, is a pattern}.
  struct Late {
    std::string name, path;
    bool pattern = false;
  };
  std::vector<Late> late_outputs;
  std::vector<std::pair<std::string, std::string>> env;  // exported before .command.sh
  // The pipeline's bin/ staged on S3 (a prefix; "" for none): fetched into
  // the job, made executable (S3 keeps no file modes) and put first on PATH.
  std::string bin_url;
};

// `"<cli>" s3 cp --only-show-errors --region R [--endpoint-url E] [s3_flags]`,
// quoted.
std::string CopyCommand(const WrapperSettings& s);

// The job's command (containerOverrides.command) for one task whose work
// dir is `work_url`.
std::vector<std::string> JobCommand(const WrapperSettings& s, const std::string& work_url);
// The command of an array job: child i reads line i of the index object at
// `index_url` (one work dir URL a line) and runs that task.
std::vector<std::string> ArrayJobCommand(const WrapperSettings& s, const std::string& index_url);
// The index object's contents for JobCommand of an array.
std::string ArrayIndex(const std::vector<std::string>& work_urls);

// The task's .command.run.
std::string CommandRun(const WrapperSettings& s, const TaskScript& t);

// What a job found of its late outputs, the object .command.found: one
// record per file, "NAME<TAB>PATH<NUL>" (NUL ends records, as no file name
// holds one). *out: output name -> its paths, sorted. A record that is not
// NAME<TAB>PATH or whose path is not inside the work dir is an error.
inline constexpr const char* kFoundOutputsFile = ".command.found";
Status ParseFoundOutputs(const std::string& text, std::map<std::string, std::vector<std::string>>* out);

}  // namespace ferry
