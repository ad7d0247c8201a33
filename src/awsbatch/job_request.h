// What ferry asks AWS Batch to run, as pure functions: the job name, the
// SubmitJob request of a task (or an array of tasks with the same settings)
// and the grouping of queued tasks into array jobs.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "executor/executor.h"

namespace ferry {

// Batch job names: letters, digits, '-' and '_', starting with a letter or
// digit, at most 128 characters.
std::string BatchJobName(const std::string& process);

// The name of a task's job when the run is journaled: BatchJobName(process)
// with "-<run>-<hash12>-<attempt>" after it, the process part cut so the
// whole fits 128 characters, so the job of a task attempt can be found by
// name (ListJobs) when ferry died before SubmitJob's answer was recorded
// (a run name past 80 characters keeps its last 80).
// Without a run name it is BatchJobName(process).
std::string TaskJobName(const std::string& process, const std::string& run_name, const std::string& hash, int attempt);

struct SubmitSettings {
  int max_spot_attempts = 0;
  std::string retry_mode = "standard";
  int max_transfer_attempts = 1;
  // The run the jobs belong to: when set, job names are TaskJobName()s.
  std::string run_name;
  std::string pipeline;  // PipelineTagName: the ferry-pipeline tag
  // Fargate: vCPUs and memory rounded up to a pair it offers (FargateSizeFor).
  bool fargate = false;
  // Fair-share queues (aws.batch.shareIdentifier, schedulingPriority; < 0 unset).
  std::string share_identifier;
  int64_t scheduling_priority = -1;
};

// The SubmitJob request for `run` (settings only: the command is given),
// with its tags (JobTags) and propagateTags.
// `array_size` > 1 makes it an array job.
nlohmann::json SubmitJobRequest(const TaskRun& run, const std::string& job_definition,
                                const std::vector<std::string>& command, const SubmitSettings& s, int array_size = 0);

// Splits queued tasks (indexes into `runs`, in queue order) into jobs: tasks
// without an array key go alone; tasks sharing a key go together in groups of
// at most their array_size (a group of one is a plain job).
std::vector<std::vector<size_t>> GroupJobs(const std::vector<const TaskRun*>& runs);

}  // namespace ferry
