// The set-up planner and the teardown planner: pure functions from what a
// set-up wants (Desired) and what AWS holds (Observed) to a Plan. Setup
// creates what is missing, changes what is wrong in place, and keeps what
// is right, so a second run plans nothing; teardown removes only what
// carries the set-up's tag, in dependency order (a queue before its compute
// environment, a compute environment before the roles it uses). `ferry aws
// check` reads the setup plan as its report: kept is ok, create is missing,
// change is wrong.
#pragma once

#include "awssetup/observed.h"
#include "awssetup/plan.h"
#include "awssetup/setup_spec.h"

namespace ferry::awssetup {

// Failed (with what to do) when the compute environment would have no
// network: no --subnets and no default VPC.
Status PlanSetup(const Desired& desired, const Observed& observed, Plan* out);

// `delete_data`: also the bucket (its objects first) and the log group.
Plan PlanTeardown(const Desired& desired, const Observed& observed, bool delete_data);

// CloudWatch Logs keeps events for one of a fixed set of day counts: the
// smallest of them that is at least `days`.
int LogRetentionDays(int days);

}  // namespace ferry::awssetup
