#include "awsemu/batch_lifecycle.h"

#include <chrono>

namespace awsemu {

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

ControlStatus SettledStatus(const ControlStatus& s, int64_t now, int64_t step_ms) {
  if (now - s.since_ms < step_ms) return s;
  if (s.status == "CREATING" || s.status == "UPDATING") return {"VALID", s.since_ms + step_ms};
  if (s.status == "DELETING") return {"DELETED", s.since_ms + step_ms};
  return s;
}

bool Forgotten(const ControlStatus& s, int64_t now, int64_t step_ms) {
  return s.status == "DELETED" && now - s.since_ms >= step_ms;
}

}  // namespace awsemu
