#include "awsemu/faults.h"

#include <algorithm>
#include <chrono>

#include "util/text.h"

namespace awsemu {

using ferry::Status;
using nlohmann::json;

double PerService::For(const std::string& service) const {
  auto it = values.find(service);
  if (it != values.end()) return it->second;
  it = values.find("*");
  return it == values.end() ? 0.0 : it->second;
}

json PerService::ToJson() const {
  json j = json::object();
  for (const auto& [k, v] : values) j[k] = v;
  return j;
}

namespace {

const std::vector<std::string> kServices = {"*", "s3", "sts", "batch", "logs"};
const std::vector<std::string> kKeys = {"throttle",
                                        "error_500",
                                        "error_503",
                                        "connection_reset",
                                        "latency_ms",
                                        "host_termination",
                                        "host_termination_per_attempt",
                                        "hold_runnable",
                                        "seed",
                                        "deny"};

Status CheckProbability(const std::string& where, double p) {
  if (p < 0 || p > 1) {
    return Status::Invalid("fault '" + where + "': probability must be between 0 and 1, got " + std::to_string(p));
  }
  return Status::Ok();
}

Status SetPerService(const std::string& key, const std::string& service, double p, PerService* out) {
  if (std::find(kServices.begin(), kServices.end(), service) == kServices.end()) {
    return Status::Invalid("fault '" + key + "': unknown service '" + service + "'" +
                           ferry::DidYouMean(service, kServices) + " (use one of s3, sts, batch, logs, or * for all)");
  }
  FERRY_RETURN_IF_ERROR(CheckProbability(key + "." + service, p));
  out->values[service] = p;
  return Status::Ok();
}

// A per-service value: a number (every service) or {"s3": 0.5, "*": 0.1}.
Status ParsePerService(const std::string& key, const json& v, PerService* out) {
  out->values.clear();
  if (v.is_number()) return SetPerService(key, "*", v.get<double>(), out);
  if (!v.is_object()) {
    return Status::Invalid("fault '" + key + "': expected a probability or an object of per-service probabilities");
  }
  for (const auto& [service, p] : v.items()) {
    if (!p.is_number()) {
      return Status::Invalid("fault '" + key + "." + service + "': expected a number");
    }
    FERRY_RETURN_IF_ERROR(SetPerService(key, service, p.get<double>(), out));
  }
  return Status::Ok();
}

PerService* Field(FaultConfig* c, const std::string& key) {
  if (key == "throttle") return &c->throttle;
  if (key == "error_500") return &c->error_500;
  if (key == "error_503") return &c->error_503;
  if (key == "connection_reset") return &c->connection_reset;
  return nullptr;
}

json DenyJson(const std::vector<DenyRule>& rules) {
  json a = json::array();
  for (const auto& r : rules) a.push_back(r.ToJson());
  return a;
}

}  // namespace

json FaultConfig::ToJson() const {
  return json{{"throttle", throttle.ToJson()},
              {"error_500", error_500.ToJson()},
              {"error_503", error_503.ToJson()},
              {"connection_reset", connection_reset.ToJson()},
              {"latency_ms", latency_ms},
              {"host_termination", host_termination},
              {"host_termination_per_attempt", host_termination_per_attempt},
              {"hold_runnable", hold_runnable},
              {"seed", seed},
              {"deny", DenyJson(deny)}};
}

Status FaultConfig::FromJson(const json& j, FaultConfig* out) {
  if (!j.is_object()) return Status::Invalid("faults: expected a JSON object");
  FaultConfig c;
  for (const auto& [key, v] : j.items()) {
    if (PerService* f = Field(&c, key)) {
      FERRY_RETURN_IF_ERROR(ParsePerService(key, v, f));
    } else if (key == "latency_ms") {
      if (!v.is_number_integer() || v.get<long>() < 0 || v.get<long>() > 600000) {
        return Status::Invalid("fault 'latency_ms': expected an integer 0..600000");
      }
      c.latency_ms = v.get<int>();
    } else if (key == "host_termination" || key == "host_termination_per_attempt") {
      if (!v.is_number()) return Status::Invalid("fault '" + key + "': expected a number");
      FERRY_RETURN_IF_ERROR(CheckProbability(key, v.get<double>()));
      (key == "host_termination" ? c.host_termination : c.host_termination_per_attempt) = v.get<double>();
    } else if (key == "hold_runnable") {
      if (!v.is_boolean()) return Status::Invalid("fault 'hold_runnable': expected true or false");
      c.hold_runnable = v.get<bool>();
    } else if (key == "seed") {
      if (!v.is_number_integer()) return Status::Invalid("fault 'seed': expected an integer");
      c.seed = v.get<long>();
    } else if (key == "deny") {
      if (!v.is_array()) {
        return Status::Invalid(
            "fault 'deny': expected a list like [{\"action\": \"s3:PutObject\", \"bucket\": \"name\"}]");
      }
      for (const json& e : v) {
        DenyRule r;
        FERRY_RETURN_IF_ERROR(DenyRule::FromJson(e, &r));
        c.deny.push_back(r);
      }
    } else {
      return Status::Invalid("unknown fault '" + key + "'" + ferry::DidYouMean(key, kKeys) +
                             "; known: " + ferry::Join(kKeys, ", "));
    }
  }
  *out = c;
  return Status::Ok();
}

Status FaultConfig::ApplyFlag(const std::string& flag) {
  auto eq = flag.find('=');
  if (eq == std::string::npos) {
    return Status::Invalid("--fault '" + flag + "': expected NAME=VALUE or NAME.SERVICE=VALUE, " +
                           "e.g. throttle.s3=0.2");
  }
  std::string name = flag.substr(0, eq);
  std::string value = flag.substr(eq + 1);
  std::string service = "*";
  auto dot = name.find('.');
  if (dot != std::string::npos) {
    service = name.substr(dot + 1);
    name = name.substr(0, dot);
  }
  if (name == "deny" && dot == std::string::npos) {
    DenyRule r;
    FERRY_RETURN_IF_ERROR(DenyRule::FromFlag(value, &r));
    deny.push_back(r);
    return Status::Ok();
  }
  json v;
  if (value == "true" || value == "false") {
    v = (value == "true");
  } else {
    try {
      size_t used = 0;
      if (value.find_first_of(".eE") == std::string::npos) {
        long n = std::stol(value, &used);
        v = n;
      } else {
        v = std::stod(value, &used);
      }
      if (used != value.size()) throw std::invalid_argument(value);
    } catch (const std::exception&) {
      return Status::Invalid("--fault '" + flag + "': '" + value + "' is not a number or boolean");
    }
  }
  if (PerService* f = Field(this, name)) {
    if (!v.is_number()) return Status::Invalid("--fault '" + flag + "': expected a probability");
    return SetPerService(name, service, v.get<double>(), f);
  }
  if (dot != std::string::npos) {
    return Status::Invalid("--fault '" + flag + "': '" + name + "' is not per service");
  }
  // Reuse the JSON checks for the scalar knobs.
  json whole = ToJson();
  if (std::find(kKeys.begin(), kKeys.end(), name) == kKeys.end()) {
    return Status::Invalid("--fault '" + flag + "': unknown fault '" + name + "'" + ferry::DidYouMean(name, kKeys) +
                           "; known: " + ferry::Join(kKeys, ", "));
  }
  whole[name] = v;
  return FromJson(whole, this);
}

const char* FaultName(Fault f) {
  switch (f) {
    case Fault::kNone: return "";
    case Fault::kThrottle: return "throttle";
    case Fault::kError500: return "error_500";
    case Fault::kError503: return "error_503";
    case Fault::kConnectionReset: return "connection_reset";
  }
  return "";
}

Faults::Faults(FaultConfig initial) : initial_(initial), current_(initial) { Reseed(initial.seed); }

void Faults::Reseed(long seed) {
  if (seed < 0) {
    seed = static_cast<long>(std::chrono::steady_clock::now().time_since_epoch().count());
  }
  rng_.seed(static_cast<uint64_t>(seed));
}

FaultConfig Faults::config() const {
  std::lock_guard<std::mutex> l(mu_);
  return current_;
}

void Faults::Set(const FaultConfig& c) {
  std::lock_guard<std::mutex> l(mu_);
  current_ = c;
  if (c.seed >= 0) Reseed(c.seed);
}

void Faults::Reset() { Set(initial_); }

Fault Faults::Draw(const std::string& service, int* latency_ms) {
  std::lock_guard<std::mutex> l(mu_);
  *latency_ms = current_.latency_ms;
  std::uniform_real_distribution<double> u(0.0, 1.0);
  // Each kind is drawn independently, in a fixed order, so that a given seed
  // gives the same sequence of faults.
  if (u(rng_) < current_.connection_reset.For(service)) return Fault::kConnectionReset;
  if (u(rng_) < current_.throttle.For(service)) return Fault::kThrottle;
  if (u(rng_) < current_.error_500.For(service)) return Fault::kError500;
  if (u(rng_) < current_.error_503.For(service)) return Fault::kError503;
  return Fault::kNone;
}

double Faults::host_termination_probability() const {
  std::lock_guard<std::mutex> l(mu_);
  return current_.host_termination;
}

double Faults::attempt_host_termination_probability() const {
  std::lock_guard<std::mutex> l(mu_);
  return current_.host_termination_per_attempt;
}

bool Faults::hold_runnable() const {
  std::lock_guard<std::mutex> l(mu_);
  return current_.hold_runnable;
}

std::optional<IamAction> Faults::Denied(const std::vector<IamAction>& actions) const {
  std::lock_guard<std::mutex> l(mu_);
  if (const IamAction* a = FirstDenied(current_.deny, actions)) return *a;
  return std::nullopt;
}

double Faults::Random() {
  std::lock_guard<std::mutex> l(mu_);
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
}

}  // namespace awsemu
