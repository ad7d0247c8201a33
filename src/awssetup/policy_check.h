// What a set of IAM identity policies allows, decided the way IAM decides
// for a request that carries no condition keys: an explicit Deny that
// matches wins, else an Allow that matches, else the implicit deny. `ferry
// aws check` uses it for its simulated submit: the calls a ferry user makes
// to submit and watch a job, and the job role's staging, each checked
// against the policies the account holds for the users' group and the job
// role (so a hand-edited policy that would refuse a submit is named before a
// run fails on it). Pure.
#pragma once

#include <string>
#include <vector>

namespace ferry::awssetup {

enum class Decision { kAllowed, kExplicitDeny, kImplicitDeny };

// One request: "batch:SubmitJob" on "arn:aws:batch:...:job-queue/q".
struct PolicyRequest {
  std::string action, resource;
};

// `documents` are policy documents as IAM returns them (JSON text, maybe
// percent-encoded). A statement with a Condition, NotAction, NotResource or
// NotPrincipal is one this evaluation cannot decide: it never allows, and a
// Deny of that kind is ignored (a condition keeps it from most requests).
// Unreadable documents allow nothing.
Decision Evaluate(const std::vector<std::string>& documents, const PolicyRequest& request);

// IAM's wildcards: `*` any run of characters, `?` one. Actions compare
// without regard to case, resources exactly.
bool PolicyMatch(const std::string& pattern, const std::string& text, bool ignore_case);

}  // namespace ferry::awssetup
