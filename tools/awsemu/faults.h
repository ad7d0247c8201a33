// Fault injection settings for ferry-awsemu: the knobs tests turn (through
// start-up flags or POST /_emu/faults) to make the emulator throttle, fail,
// reset connections, add latency or terminate Batch hosts, and the draws that
// decide, per request, whether a fault fires. One seedable generator keeps
// runs reproducible.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "awsemu/s3_access.h"
#include "awsemu/service.h"
#include "util/status.h"

namespace awsemu {

// A probability that may differ per service: "*" is the default for services
// not named.
struct PerService {
  std::map<std::string, double> values;
  double For(const std::string& service) const;
  nlohmann::json ToJson() const;
};

struct FaultConfig {
  PerService throttle;          // the service's own throttling error
  PerService error_500;         // InternalError / ServerException
  PerService error_503;         // ServiceUnavailable
  PerService connection_reset;  // TCP reset instead of an answer
  int latency_ms = 0;           // added to every API request
  double host_termination = 0;  // per running Batch job, per check
  // Per attempt: that share of attempts loses its host once, soon after it
  // starts running, however long the job is (spot reclaims as a share of jobs).
  double host_termination_per_attempt = 0;
  bool hold_runnable = false;  // Batch jobs never leave RUNNABLE
  long seed = -1;              // -1: seed from the clock
  // S3 requests needing a denied action answer 403 AccessDenied.
  std::vector<DenyRule> deny;

  nlohmann::json ToJson() const;
  // Whole-config parse: keys not given keep their defaults. Unknown keys and
  // out-of-range values are errors naming the key.
  static ferry::Status FromJson(const nlohmann::json& j, FaultConfig* out);
  // One start-up flag "name=value" or "name.service=value", applied on top
  // of *this (e.g. "throttle.s3=0.5", "latency_ms=100", "hold_runnable=true",
  // "deny=s3:PutObject:my-bucket", which adds a rule).
  ferry::Status ApplyFlag(const std::string& flag);
};

// What a request should suffer, drawn once per request.
enum class Fault { kNone, kThrottle, kError500, kError503, kConnectionReset };
const char* FaultName(Fault f);

class Faults : public FaultSource {
 public:
  explicit Faults(FaultConfig initial);

  FaultConfig config() const;
  void Set(const FaultConfig& c);
  // Back to the start-up settings.
  void Reset();

  // Draws the fault for one request to `service` (and the latency to add).
  Fault Draw(const std::string& service, int* latency_ms);

  double host_termination_probability() const override;
  double attempt_host_termination_probability() const override;
  bool hold_runnable() const override;
  // The first of `actions` a deny rule covers, or nullopt.
  std::optional<IamAction> Denied(const std::vector<IamAction>& actions) const;
  double Random() override;

 private:
  void Reseed(long seed);
  mutable std::mutex mu_;
  FaultConfig initial_;
  FaultConfig current_;
  std::mt19937_64 rng_;
};

}  // namespace awsemu
