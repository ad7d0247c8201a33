// The JSON views of ferry-awsemu's Batch resources, as the Describe*/List*
// operations return them: compute environments, job queues, job
// definitions, jobs and job summaries. Pure: a view reads the model and the
// region, nothing else.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "awsemu/batch_model.h"

namespace awsemu {

// Job statuses in lifecycle order.
inline constexpr const char* kJobStatuses[] = {"SUBMITTED", "PENDING",   "RUNNABLE", "STARTING",
                                               "RUNNING",   "SUCCEEDED", "FAILED"};

nlohmann::json ComputeEnvView(const ComputeEnv& ce, const std::string& region);
nlohmann::json QueueView(const JobQueue& q, const std::string& region);
nlohmann::json JobDefinitionView(const JobDefinition& d);
// DescribeJobs' entry for a job (attempts, container, array status summary).
nlohmann::json JobView(const Job& job, const std::string& region);
// ListJobs' entry.
nlohmann::json JobSummaryView(const Job& job, const std::string& region);

}  // namespace awsemu
