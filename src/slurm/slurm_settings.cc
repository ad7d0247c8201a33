#include "slurm/slurm_settings.h"

#include "rules/rate.h"
#include "util/units.h"

namespace ferry::slurm {

namespace {

const Value* Setting(const Config& c, const std::string& name) {
  const Value* v = c.Get("executor.$slurm." + name);
  return v && !v->is_null() ? v : c.Get("executor." + name);
}

std::string KeyOf(const Config& c, const std::string& name) {
  const Value* v = c.Get("executor.$slurm." + name);
  return v && !v->is_null() ? "executor.$slurm." + name : "executor." + name;
}

}  // namespace

Status SlurmOptionsFromConfig(const Config& c, SlurmOptions* out) {
  SlurmOptions o = *out;
  if (const Value* v = Setting(c, "queueSize"); v && v->is_int()) o.queue_size = static_cast<int>(v->as_int());
  if (const Value* v = Setting(c, "pollInterval"); v && !v->is_null()) {
    int64_t ms = 0;
    bool parsed = v->is_int() ? (ms = v->as_int(), true) : v->is_string() && ParseDuration(v->as_string(), &ms);
    if (!parsed || ms <= 0)
      return Status::Invalid("config " + KeyOf(c, "pollInterval") +
                             " must be a duration longer than 0 (write e.g. '5s')");
    o.poll_interval_ms = ms;
  }
  if (const Value* v = Setting(c, "submitRateLimit"); v && !v->is_null()) {
    double rate = 0;
    bool parsed =
        v->is_number() ? (rate = v->as_double(), true) : v->is_string() && rules::ParseRate(v->as_string(), &rate);
    if (!parsed || rate <= 0)
      return Status::Invalid("config " + KeyOf(c, "submitRateLimit") +
                             " must be a rate allowing at least one call (write e.g. " + rules::kRateExamples + ")");
    o.submit_per_second = rate;
  }
  *out = std::move(o);
  return Status::Ok();
}

}  // namespace ferry::slurm
