// BuildJob: the Batch job of one `ferry build`, as JSON goes in and out:
// the SubmitJob request (job definition, queue, size as resourceRequirements,
// `sh -c SCRIPT sh WORKFLOW...` as the command, the mirror's URL in the
// environment) and what DescribeJobs says about it (status, reason, exit
// code, log stream, where its files are). Also the wording of the end
// report. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "remote_build/remote_dir.h"

namespace ferry::remote_build {

// The environment variable through which the job (and a later --attach)
// learns where the build directory's mirror is.
inline constexpr const char* kTreeUrlVariable = "FERRY_BUILD_TREE_URL";
// Set when credentials were forwarded: where the job reads them (then deletes them).
inline constexpr const char* kCredentialsUrlVariable = "FERRY_BUILD_CREDENTIALS_URL";
// CloudWatch Logs group Batch's awslogs driver writes to by default.
inline constexpr const char* kBatchLogGroup = "/aws/batch/job";

struct SubmitSpec {
  std::string job_name;
  std::string queue;
  std::string job_definition;
  int cpus = 0;                       // 0: as the job definition says
  int64_t memory_mib = 0;             // 0: as the job definition says
  std::string script;                 // JobScript()
  std::vector<std::string> workflow;  // argv run by the script
  std::vector<std::pair<std::string, std::string>> environment;
};

nlohmann::json SubmitJobRequest(const SubmitSpec& spec);

// A Batch-safe job name from a directory ("my dir" -> "ferry-build-my-dir").
std::string JobNameFor(const std::string& abs_dir);

struct JobState {
  std::string job_id;
  std::string status;         // SUBMITTED ... SUCCEEDED / FAILED
  std::string status_reason;  // Batch's statusReason
  std::string container_reason;
  std::string log_stream;
  std::string queue;
  std::string tree_url;         // from the job's environment
  std::string credentials_url;  // from the job's environment, when credentials were forwarded
  std::optional<int> exit_code;
  int64_t created_ms = 0, started_ms = 0, stopped_ms = 0;
  std::string vcpus, memory_mib;  // resourceRequirements as requested
  nlohmann::json described;       // the DescribeJobs element itself, for awsbatch/job_diagnosis.h
};

// Reads one element of DescribeJobs' "jobs" list; missing fields stay empty.
JobState ParseJobState(const nlohmann::json& job);

bool IsTerminal(const std::string& status);

// The lines announcing that a watched job went from `last_status` ("" before
// the first look) to job.status: "Job is RUNNABLE", "Job now RUNNING". A job
// that started and ended between two looks is announced as RUNNING first
// (its startedAt says it ran), so a quick job's story is still whole.
std::vector<std::string> StatusChangeLines(const std::string& last_status, const JobState& job);

// "Job SUCCEEDED after 1.5 minutes" / "Job FAILED after 0.3 minutes (exited 2)".
std::string EndReport(const JobState& job);

// The process exit code for a finished job: the container's, else 1 if it
// failed, else 0.
int ExitCodeFor(const JobState& job);

// Reads back a RemoteLocation from its TreeUrl() (as found in a job's
// environment); false when the URL is not one.
bool LocationFromTreeUrl(const std::string& url, RemoteLocation* out);

}  // namespace ferry::remote_build
