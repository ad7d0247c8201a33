// The rules AWS Batch applies to Fargate jobs and fair-share queues, as
// ferry-awsemu enforces them: a FARGATE job definition names an execution
// role, asks for a vCPU/memory pair Fargate offers, no GPU, no host volume,
// privileged mode or ulimits, and 21-200 GiB of ephemeral storage; Fargate's
// settings on an EC2 definition are refused; a Fargate definition runs only
// in a queue of FARGATE or FARGATE_SPOT compute environments and an EC2 one
// only in EC2 or SPOT queues; a queue with a scheduling policy takes only
// jobs with a shareIdentifier, and one without takes none (nor a
// schedulingPriorityOverride); tags are at most 50, keys 1-128 characters
// without `aws:`, values at most 256. Pure: each check throws the
// ClientException Batch answers with.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace awsemu {

// Whether a job definition (its RegisterJobDefinition body) is for Fargate.
bool IsFargateDefinition(const nlohmann::json& def);

// RegisterJobDefinition's checks of platformCapabilities and what goes with it.
void CheckPlatformDefinition(const nlohmann::json& def);

// A job's resources after overrides, on Fargate.
void CheckFargateResources(double vcpus, int64_t memory_mib, int gpus);

// The definition's platform against the queue's compute environments' types
// (EC2, SPOT, FARGATE, FARGATE_SPOT).
void CheckQueuePlatform(bool fargate, const std::string& queue, const std::vector<std::string>& ce_types);

// SubmitJob's shareIdentifier and schedulingPriorityOverride against the
// queue's scheduling policy ("" for none).
void CheckFairShare(const nlohmann::json& submit, const std::string& queue, const std::string& policy_arn);

// A tags map of SubmitJob, RegisterJobDefinition or TagResource.
void CheckTags(const nlohmann::json& tags);

}  // namespace awsemu
