// Reading what AWS Batch says about a job, as pure functions: how many of its
// attempts were lost to host (spot) terminations, the message for a job that
// failed without running the task to the end (Batch's reasons, the tail of
// its CloudWatch log stream, what was missing when they name it, and the
// usual causes), the message for a job
// Batch calls SUCCEEDED that ran nothing, the warning for a job stuck
// before it starts (SUBMITTED, PENDING or RUNNABLE), and what a job's task
// used.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "events/task_usage.h"

namespace ferry {

bool IsTerminalStatus(const std::string& status);  // SUCCEEDED or FAILED

// Attempts whose statusReason starts with "Host EC2".
int CountSpotRetries(const nlohmann::json& job);

// container.logStreamName of the job's last attempt ("" if none).
std::string LogStreamOf(const nlohmann::json& job);

// What kept a job's task from running, when Batch's reasons or the job's log
// name it: an image that could not be pulled (CannotPullContainerError), an
// image without the program its container starts with (sh, or its
// entrypoint), or a CLI `cli` that does not run in the container. Each says
// what is missing and how to fix it; "" when nothing names a cause.
std::string StartFailureCause(const nlohmann::json& job, const std::vector<std::string>& log_lines,
                              const std::string& cli);

// For a FAILED job that left no .exitcode. `log_lines` are the last lines of
// its log stream (may be empty: `log_note` then says why, e.g. "no log
// stream"). `cli` is what the job runs for S3 (cliPath or "aws").
std::string UnknownFailureMessage(const nlohmann::json& job, const std::string& log_group,
                                  const std::vector<std::string>& log_lines, const std::string& log_note,
                                  const std::string& cli);

// For a job Batch reports SUCCEEDED that left no .exitcode: the container
// exited without running the task's command.
std::string RanNothingMessage(const nlohmann::json& job, const std::string& cli);

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
