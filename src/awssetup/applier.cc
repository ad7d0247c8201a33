#include "awssetup/applier.h"

#include <thread>

#include "awssetup/observed.h"

namespace ferry::awssetup {

namespace {

using Clock = std::chrono::steady_clock;

const char* Doing(Action a) {
  switch (a) {
    case Action::kCreate: return "creating";
    case Action::kChange: return "changing";
    case Action::kDelete: return "deleting";
    default: return "";
  }
}

std::string WaitText(Wait w) {
  switch (w) {
    case Wait::kComputeEnvValid: return "VALID";
    case Wait::kQueueValid: return "VALID";
    case Wait::kComputeEnvDisabled: return "DISABLED";
    case Wait::kQueueDisabled: return "DISABLED";
    case Wait::kComputeEnvGone: return "deleted";
    case Wait::kQueueGone: return "deleted";
    case Wait::kNone: break;
  }
  return "";
}

// Whether the awaited state is reached; Failed when it never will be.
Status Reached(aws::AwsApi& api, Wait w, const std::string& name, bool* done) {
  bool is_queue = w == Wait::kQueueValid || w == Wait::kQueueDisabled || w == Wait::kQueueGone;
  std::string state, status, reason;
  bool exists = false;
  if (is_queue) {
    ObservedQueue q;
    FERRY_RETURN_IF_ERROR(ObserveQueue(api, name, &q));
    exists = q.exists, state = q.state, status = q.status, reason = q.status_reason;
  } else {
    ObservedComputeEnv ce;
    FERRY_RETURN_IF_ERROR(ObserveComputeEnv(api, name, &ce));
    exists = ce.exists, state = ce.state, status = ce.status, reason = ce.status_reason;
  }
  std::string what = std::string(is_queue ? "job queue " : "compute environment ") + name;
  if (w == Wait::kQueueGone || w == Wait::kComputeEnvGone) {
    *done = !exists || status == "DELETED";
    return Status::Ok();
  }
  if (!exists) return Status::Failed(what + " vanished while ferry waited for it");
  if (status == "INVALID")
    return Status::Failed(what + " is INVALID: " + (reason.empty() ? "AWS gave no reason" : reason));
  bool settled = status == "VALID";
  *done = settled && (w == Wait::kComputeEnvDisabled || w == Wait::kQueueDisabled ? state == "DISABLED" : true);
  return Status::Ok();
}

// Batch refuses a role or instance profile IAM has not spread yet.
bool IamNotSettled(const aws::AwsError& e) {
  return e.code == "ClientException" || e.code == "InvalidParameterValueException";
}

// Puts `arn` wherever `j` holds the placeholder; true when it did.
bool FillServiceRole(nlohmann::json* j, const std::string& arn) {
  bool any = false;
  if (j->is_string() && j->get<std::string>() == kServiceRolePlaceholder) {
    *j = arn;
    return true;
  }
  if (j->is_object() || j->is_array())
    for (auto& v : *j) any = FillServiceRole(&v, arn) || any;
  return any;
}

bool HoldsPlaceholder(const nlohmann::json& j) {
  if (j.is_string()) return j.get<std::string>() == kServiceRolePlaceholder;
  if (j.is_object() || j.is_array())
    for (const auto& v : j)
      if (HoldsPlaceholder(v)) return true;
  return false;
}

}  // namespace

Status ApplyPlan(aws::AwsApi& api, const Plan& plan, const ApplyOptions& o) {
  auto say = [&](const std::string& line, bool waiting) {
    if (o.progress) o.progress(line, waiting);
  };
  auto sleep = [&](std::chrono::milliseconds d) {
    if (o.sleep) o.sleep(d);
    else std::this_thread::sleep_for(d);
  };
  for (const Step& step : plan.steps) {
    if (step.calls.empty() && !step.empty_bucket) continue;
    std::string what = step.piece + " " + step.resource;
    say(std::string(Doing(step.action)) + " " + what, false);
    if (step.empty_bucket) {
      if (!o.empty_bucket) return Status::Failed("cannot empty bucket " + step.resource + ": no S3 client");
      FERRY_RETURN_IF_ERROR(o.empty_bucket(step.resource).WithPrefix("emptying bucket " + step.resource));
    }
    for (aws::ApiCall call : step.calls) {
      if (HoldsPlaceholder(call.params)) {
        std::string arn;
        if (!o.service_role_arn) return Status::Failed(what + ": the Batch service-linked role's ARN is unknown");
        FERRY_RETURN_IF_ERROR(o.service_role_arn(&arn));
        FillServiceRole(&call.params, arn);
      }
      Clock::time_point start = Clock::now();
      while (true) {
        aws::AwsError err;
        Status s = api.Call(call, nullptr, &err);
        if (s.ok()) break;
        if (call.operation == "CreateComputeEnvironment" && IamNotSettled(err) && Clock::now() - start < o.iam_settle) {
          say("waiting for IAM to make the new roles usable by Batch", true);
          sleep(o.poll);
          continue;
        }
        return s.WithPrefix(std::string(Doing(step.action)) + " " + what + " (" + call.service + " " + call.operation +
                            ")");
      }
    }
    if (step.wait != Wait::kNone) {
      Clock::time_point start = Clock::now();
      while (true) {
        bool done = false;
        FERRY_RETURN_IF_ERROR(Reached(api, step.wait, step.resource, &done));
        if (done) break;
        auto waited = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - start);
        if (Clock::now() - start > o.timeout)
          return Status::Failed(what + " did not become " + WaitText(step.wait) + " within " +
                                std::to_string(std::chrono::duration_cast<std::chrono::minutes>(o.timeout).count()) +
                                " minutes; run the command again to carry on");
        say("waiting for " + what + " to be " + WaitText(step.wait) + " (" + std::to_string(waited.count()) + " s)",
            true);
        sleep(o.poll);
      }
    }
    say("done    " + what, false);
  }
  return Status::Ok();
}

}  // namespace ferry::awssetup
