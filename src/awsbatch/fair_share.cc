#include "awsbatch/fair_share.h"

namespace ferry {

Status CheckFairShare(const nlohmann::json& queue, const std::string& queue_name, const std::string& share_identifier,
                      int64_t priority) {
  std::string policy = queue.value("schedulingPolicyArn", std::string());
  if (policy.empty() && !share_identifier.empty())
    return Status::Invalid("AWS Batch job queue '" + queue_name +
                           "' has no scheduling policy, so Batch refuses jobs with a share identifier: unset "
                           "aws.batch.shareIdentifier (and aws.batch.schedulingPriority), or use a fair-share queue "
                           "(one created with --scheduling-policy-arn)");
  if (policy.empty() && priority >= 0)
    return Status::Invalid("AWS Batch job queue '" + queue_name +
                           "' has no scheduling policy, so Batch refuses a scheduling priority: unset "
                           "aws.batch.schedulingPriority, or use a fair-share queue");
  if (!policy.empty() && share_identifier.empty())
    return Status::Invalid("AWS Batch job queue '" + queue_name + "' is a fair-share queue (scheduling policy " +
                           policy +
                           "), so Batch takes only jobs with a share identifier: set aws.batch.shareIdentifier, "
                           "e.g. aws.batch.shareIdentifier = 'genomics'");
  return Status::Ok();
}

}  // namespace ferry
