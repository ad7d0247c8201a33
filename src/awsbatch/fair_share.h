// Fair-share scheduling, as AWS Batch enforces it at SubmitJob, checked
// before a run submits anything: a queue with a scheduling policy takes only
// jobs with a share identifier, and a queue without one refuses a share
// identifier and a scheduling priority. Pure: the queue as DescribeJobQueues
// returned it.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "util/status.h"

namespace ferry {

// The highest schedulingPriorityOverride Batch takes (0 is the lowest).
inline constexpr int64_t kMaxSchedulingPriority = 9999;

// Ok, or Invalid naming the queue, its policy (or its lack of one) and the
// aws.batch setting to change. `priority` < 0 means unset.
Status CheckFairShare(const nlohmann::json& queue, const std::string& queue_name, const std::string& share_identifier,
                      int64_t priority);

}  // namespace ferry
