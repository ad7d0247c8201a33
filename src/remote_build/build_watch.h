// BuildWatch: follows one Batch job until it ends, the user detaches, or the
// user gives up waiting. Prints each status change, streams the job's
// CloudWatch log lines as they arrive (prefixed "[batch] "), warns once when
// the job sits in RUNNABLE too long (with the queue, the requested size and
// Batch's reason), reads the rest of the log after the job ends so no line is
// lost, and handles Control-C / Control-Z / SIGHUP through CancelPolicy.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "aws/batch_client.h"
#include "aws/logs_client.h"
#include "remote_build/build_job.h"
#include "util/status.h"

namespace ferry::remote_build {

struct WatchOptions {
  int poll_ms = 5000;      // DescribeJobs every ...
  int log_poll_ms = 1000;  // GetLogEvents every ... (CloudWatch allows 10/s per account)
  int64_t runnable_warn_ms = 5 * 60 * 1000;
  bool on_terminal = false;  // Control-C needs pressing twice
  bool handle_signals = true;
  bool stream_logs = true;
  std::FILE* out = stdout;  // log lines
  std::FILE* err = stderr;  // status lines and messages
  // Called for every status seen (for the build history).
  std::function<void(const JobState&)> on_status;
  // Called after every look at a job that has not ended (refreshing the
  // credentials forwarded to it).
  std::function<void()> on_poll;
};

enum class WatchEnd {
  kFinished,  // the job reached SUCCEEDED or FAILED
  kDetached,  // Control-Z or SIGHUP
  kGaveUp,    // Control-C while canceling: stop waiting (exit 130)
};

struct WatchResult {
  WatchEnd end = WatchEnd::kFinished;
  bool canceled = false;  // TerminateJob was sent
  JobState job;           // last state seen
  // The last lines of the job's log seen (at most kLogTailLines), for the
  // diagnosis of a job that failed before its workflow ran.
  std::vector<std::string> log_tail;
};

inline constexpr size_t kLogTailLines = 20;

// NotFound when Batch does not know the job.
Status WatchJob(aws::BatchClient& batch, aws::LogsClient& logs, const std::string& job_id, const WatchOptions& options,
                WatchResult* result);

// Prints the job's whole log (e.g. attaching to a job that already ended).
// Failures only warn: the job's outcome matters more than its log.
void PrintWholeLog(aws::LogsClient& logs, const std::string& stream, std::FILE* out, std::FILE* err);

}  // namespace ferry::remote_build
