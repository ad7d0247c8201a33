// Reading what AWS Batch says about a job, as pure functions: how many of its
// attempts were lost to host (spot) terminations, the message for a job that
// failed without running the task to the end (Batch's reasons, the tail of
// its CloudWatch log stream, what was missing when they name it, and the
// usual causes), the message for a job
// Batch calls SUCCEEDED that ran nothing, the warning for a job stuck
// before it starts (SUBMITTED, PENDING or RUNNABLE), and what a job's task
// used. `ferry run` and `ferry build` both report their failed jobs
// through these rules (JobSource says which one asks, so each fix names
// the setting that user would change).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "events/task_usage.h"

namespace ferry {

bool IsTerminalStatus(const std::string& status);  // SUCCEEDED or FAILED

// Attempts whose statusReason starts with "Host EC2".
int CountSpotRetries(const nlohmann::json& job);

// container.logStreamName of the job's last attempt ("" if none).
std::string LogStreamOf(const nlohmann::json& job);

// Who submitted a job, for the settings a fix names. A `ferry run` task's
// image is its `container` and its CLI is aws.batch.cliPath, whose install
// dir ferry mounts from the host; a `ferry build` job's image and volumes
// are its job definition's, and its CLI is --aws-batch-cli.
struct JobSource {
  explicit JobSource(std::string cli_, std::string build_definition_ = "", std::string definition_origin_ = "")
      : cli(std::move(cli_)),
        build_definition(std::move(build_definition_)),
        definition_origin(std::move(definition_origin_)) {}
  std::string cli;                // what the job runs for S3 (the CLI's path, or "aws")
  std::string build_definition;   // "" for a `ferry run` task; else the build's job definition
  std::string definition_origin;  // the setting that named it ("--aws-batch-job", "default"; "" unknown)
};

// What kept a job's task from running, when Batch's reasons or the job's log
// name it: an image that could not be pulled (CannotPullContainerError), an
// image without the program its container starts with (sh, or its
// entrypoint), or a CLI that does not run in the container. Each says
// what is missing and how to fix it; "" when nothing names a cause.
std::string StartFailureCause(const nlohmann::json& job, const std::vector<std::string>& log_lines,
                              const JobSource& source);

// For a FAILED job that left no .exitcode. `log_lines` are the last lines of
// its log stream (may be empty: `log_note` then says why, e.g. "no log
// stream").
std::string UnknownFailureMessage(const nlohmann::json& job, const std::string& log_group,
                                  const std::vector<std::string>& log_lines, const std::string& log_note,
                                  const JobSource& source);

// For a job Batch reports SUCCEEDED whose command never ran (`evidence`
// says how ferry knows: "it left no .exitcode"): most likely the image's
// entrypoint ran instead of it, the case Nextflow calls "terminated for an
// unknown reason". Names the image and the fix.
std::string RanNothingMessage(const nlohmann::json& job, const JobSource& source, const std::string& evidence);

// True for the statuses of a job Batch has not started yet.
bool IsWaitingStatus(const std::string& status);  // SUBMITTED, PENDING, RUNNABLE

// For a job waiting longer than expected in its (waiting) status, which the
// message names, with what to check for that status.
std::string RunnableWarning(const std::string& task, const nlohmann::json& job, const std::string& queue, int cpus,
                            int64_t memory_bytes, int64_t waited_ms);

// What the job's task used: its wrapper's usage report (`report`, the
// .command.usage of executor/usage_report.h, taken only when it names this
// job), the job's wait from createdAt to startedAt as queue_ms (SUBMITTED,
// or an array child's PENDING, to RUNNING: DescribeJobs has no time for
// RUNNABLE itself), and container.instanceType when the report has none.
TaskUsage JobUsage(const nlohmann::json& job, const std::string& report);

}  // namespace ferry
