// How the control-plane status of a Batch compute environment or job queue
// moves on its own, as AWS's does a little while after each call: CREATING
// and UPDATING become VALID, DELETING becomes DELETED, and a DELETED
// resource is forgotten (no longer described) after one more step. The
// engine stamps the status with the time it was set and settles it lazily
// whenever the registry is read. Pure logic but for SteadyMs.
#pragma once

#include <cstdint>
#include <string>

namespace awsemu {

struct ControlStatus {
  std::string status = "CREATING";
  int64_t since_ms = 0;  // steady clock, when `status` was set
};

// What `s` has become at `now` when each transition takes `step_ms`.
ControlStatus SettledStatus(const ControlStatus& s, int64_t now, int64_t step_ms);

// Whether a resource with status `s` is gone for good at `now`.
bool Forgotten(const ControlStatus& s, int64_t now, int64_t step_ms);

// Milliseconds on the steady clock: the time base of `since_ms` and of the
// engine's timers.
int64_t SteadyMs();

// Whether calls may change or use a resource in this status (not while it is
// being deleted or once it has been).
inline bool Usable(const ControlStatus& s) { return s.status != "DELETING" && s.status != "DELETED"; }

}  // namespace awsemu
