// Runs a plan: each step's calls in order, then waits for the state AWS
// requires before the next step may rely on it (a compute environment VALID
// before a queue is put on it; a queue DISABLED before it is deleted, and
// gone before its compute environment is deleted), telling a progress
// callback what it is doing. A failed call ends the run with the step and
// AWS's answer; steps done stay done, so running the set-up again carries
// on from there.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "aws/api_call.h"
#include "awssetup/plan.h"

namespace ferry::awssetup {

struct ApplyOptions {
  std::chrono::milliseconds poll{std::chrono::seconds(2)};
  std::chrono::milliseconds timeout{std::chrono::minutes(15)};
  // How long a compute environment creation is retried while IAM has not yet
  // made a just-created role or instance profile usable (IAM is eventually
  // consistent; Batch answers ClientException until then).
  std::chrono::milliseconds iam_settle{std::chrono::seconds(60)};
  // A line per step started and finished; `waiting` lines repeat while a
  // state is awaited (a terminal redraws them in place).
  std::function<void(const std::string& line, bool waiting)> progress;
  // Deletes every object of a bucket (teardown --delete-data).
  std::function<Status(const std::string& bucket)> empty_bucket;
  // The ARN of the Batch service-linked role, for calls that hold
  // kServiceRolePlaceholder.
  std::function<Status(std::string* arn)> service_role_arn;
  std::function<void(std::chrono::milliseconds)> sleep;  // default: this thread sleeps
};

Status ApplyPlan(aws::AwsApi& api, const Plan& plan, const ApplyOptions& options);

}  // namespace ferry::awssetup
