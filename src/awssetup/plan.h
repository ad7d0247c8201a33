// A plan: the steps that take an account from what it holds to what a
// set-up wants (or, for teardown, to nothing of the set-up's), each naming
// the piece, what will happen and why, and carrying the exact API calls and
// the state to wait for afterwards. Planners (planner.h) make plans without
// I/O; the applier (applier.h) runs them; this file renders them as text
// for a terminal and as JSON for --json.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "aws/api_call.h"

namespace ferry::awssetup {

// Stands in a call for the ARN of the Batch service-linked role while the
// plan is still to create it (AWS names it; the applier asks once it exists).
inline constexpr const char* kServiceRolePlaceholder = "<the Batch service-linked role's ARN>";

enum class Action {
  kKeep,    // already as wanted: nothing to do
  kCreate,  // missing: will be created
  kChange,  // present but wrong: will be changed in place
  kDelete,  // teardown: will be removed
  kBroken,  // wrong in a way ferry cannot change in place (the reason says what to do)
};

// The state the applier waits for after a step's calls.
enum class Wait {
  kNone,
  kComputeEnvValid,
  kQueueValid,
  kComputeEnvDisabled,
  kQueueDisabled,
  kComputeEnvGone,
  kQueueGone
};

struct Step {
  std::string piece;     // "bucket lifecycle rule"
  std::string resource;  // the resource's name
  Action action = Action::kKeep;
  std::string reason;  // what is missing or wrong, or what is kept and why
  std::string fix;     // the manual alternative to `ferry aws setup`, for check
  std::vector<aws::ApiCall> calls;
  Wait wait = Wait::kNone;
  nlohmann::json document;    // the policy this step writes (null: none), shown by --dry-run
  bool empty_bucket = false;  // teardown --delete-data: delete the objects first
};

struct Plan {
  std::vector<Step> steps;
  bool HasChanges() const;
  bool HasBroken() const;
};

const char* ActionWord(Action a);  // "ok", "create", "change", "delete", "broken"

// One line per step ("create  job queue ferry-x: missing"); with
// `documents`, each policy after its step, indented.
std::string RenderPlan(const Plan& plan, bool documents);
nlohmann::json PlanJson(const Plan& plan);

}  // namespace ferry::awssetup
