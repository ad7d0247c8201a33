// SubmitJob's validation for ferry-awsemu's Batch: turns a SubmitJob request
// into the JobSpec the engine runs (the definition's values under the
// request's overrides, Ref:: parameters substituted, resources, retries,
// timeout, logs, mounts, the container as DescribeJobs shows it, array size
// and dependencies), or into the ClientException AWS would answer. Pure
// logic: what it needs of the engine's state comes through SubmitLookups.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "awsemu/batch_model.h"
#include "awsemu/emu_error.h"

namespace awsemu {

// A container's (or SubmitJob overrides') vcpus, memory and
// resourceRequirements, over what *r holds; a value that is not a number, or
// an unknown type, is refused as Batch refuses it.
void ApplyResources(const nlohmann::json& container, Resources* r);

// The registry and job lookups SubmitJob depends on; each returns null /
// nullopt when there is no such thing.
struct SubmitLookups {
  std::function<const JobQueue*(const std::string& name_or_arn)> queue;
  std::function<const JobDefinition*(const std::string& ref)> job_definition;
  // The types of the queue's compute environments (EC2, SPOT, FARGATE,
  // FARGATE_SPOT), for the Fargate rules (batch_platform.h).
  std::function<std::vector<std::string>(const JobQueue& queue)> queue_ce_types;
  // The array size of an existing job (0 for a plain job).
  std::function<std::optional<int>(const std::string& job_id)> job_array_size;
};

struct JobDependency {
  std::string job_id;  // "" for SEQUENTIAL (each child on the one before)
  std::string type;    // "", "N_TO_N" or "SEQUENTIAL"
};

struct SubmitPlan {
  JobSpec spec;
  std::vector<JobDependency> deps;  // checked: every job_id exists
};

// Ok and *out filled, or the error SubmitJob answers with.
EmuError PlanSubmitJob(const nlohmann::json& in, const SubmitLookups& lookups, SubmitPlan* out);

}  // namespace awsemu
