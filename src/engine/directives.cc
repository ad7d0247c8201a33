#include "engine/directives.h"

#include <cmath>

#include "util/text.h"
#include "util/units.h"

namespace ferry {

const char* ErrorStrategyName(ErrorStrategy s) {
  switch (s) {
    case ErrorStrategy::kTerminate: return "terminate";
    case ErrorStrategy::kFinish: return "finish";
    case ErrorStrategy::kIgnore: return "ignore";
    case ErrorStrategy::kRetry: return "retry";
  }
  return "terminate";
}

namespace {

Status IntDirective(const Value& v, const std::function<std::string()>& where_fn, const char* name, int min, int* out) {
  int64_t n;
  if (v.is_int()) {
    n = v.as_int();
  } else if (v.is_double() && v.as_double() == std::floor(v.as_double())) {
    n = v.as_int();
  } else if (v.is_string()) {
    std::string_view t = Trim(v.as_string());
    char* end = nullptr;
    std::string s(t);
    n = std::strtoll(s.c_str(), &end, 10);
    if (s.empty() || *end != '\0')
      return Status::Invalid(where_fn() + ": directive '" + name + "' must be a whole number, got '" + s + "'");
  } else if (v.is_map() && std::string(name) == "accelerator") {
    // accelerator may be written as a map {request: N, type: '...'}; the
    // count is what resource requests need.
    const Value* r = v.Find("request");
    if (!r) return Status::Invalid(where_fn() + ": directive 'accelerator' map needs a 'request' count");
    return IntDirective(*r, where_fn, name, min, out);
  } else {
    return Status::Invalid(where_fn() + ": directive '" + name + "' must be a whole number, got a " +
                           v.kind_name());
  }
  if (n < min || n > 1000000)
    return Status::Invalid(where_fn() + ": directive '" + name + "' must be at least " + std::to_string(min) +
                           ", got " + std::to_string(n));
  *out = static_cast<int>(n);
  return Status::Ok();
}

Status StringDirective(const Value& v, const std::function<std::string()>& where_fn, const char* name, std::string* out) {
  if (v.is_null()) {
    out->clear();
    return Status::Ok();
  }
  if (v.is_list() || v.is_map())
    return Status::Invalid(where_fn() + ": directive '" + name + "' must be a single string, got a " +
                           v.kind_name());
  *out = v.ToString();
  return Status::Ok();
}

}  // namespace

Status DirectivesFromValues(const ValueMap& values, const std::function<std::string()>& where_fn,
                            Directives* d) {
  bool retry_set = false, strategy_set = false;
  for (const auto& [name, v] : values) {
    if (name == "cpus") {
      FERRY_RETURN_IF_ERROR(IntDirective(v, where_fn, "cpus", 1, &d->cpus));
    } else if (name == "memory") {
      if (v.is_null()) continue;
      if (v.is_number()) {
        d->memory_bytes = v.as_int();  // a bare number is bytes
      } else if (!v.is_string() || !ParseMemory(v.as_string(), &d->memory_bytes)) {
        return Status::Invalid(where_fn() + ": directive 'memory' must be a size like '2 GB' or '512 MB', got '" +
                               v.ToString() + "'");
      }
    } else if (name == "time") {
      if (v.is_null()) continue;
      if (v.is_number()) {
        d->time_ms = v.as_int();
      } else if (!v.is_string() || !ParseDuration(v.as_string(), &d->time_ms)) {
        return Status::Invalid(where_fn() + ": directive 'time' must be a duration like '1h', '30m' or '90s', got '" +
                               v.ToString() + "'");
      }
    } else if (name == "container") {
      FERRY_RETURN_IF_ERROR(StringDirective(v, where_fn, "container", &d->container));
    } else if (name == "queue") {
      FERRY_RETURN_IF_ERROR(StringDirective(v, where_fn, "queue", &d->queue));
    } else if (name == "executor") {
      FERRY_RETURN_IF_ERROR(StringDirective(v, where_fn, "executor", &d->executor));
      if (d->executor.empty()) d->executor = "local";
    } else if (name == "label") {
      d->labels.clear();
      if (v.is_list()) {
        for (const auto& l : v.as_list()) d->labels.push_back(l.ToString());
      } else if (!v.is_null()) {
        d->labels.push_back(v.ToString());
      }
    } else if (name == "array") {
      FERRY_RETURN_IF_ERROR(IntDirective(v, where_fn, "array", 1, &d->array));
    } else if (name == "accelerator") {
      FERRY_RETURN_IF_ERROR(IntDirective(v, where_fn, "accelerator", 0, &d->accelerator));
    } else if (name == "retry") {
      FERRY_RETURN_IF_ERROR(IntDirective(v, where_fn, "retry", 0, &d->retry));
      retry_set = true;
    } else if (name == "errorStrategy") {
      std::string s = v.ToString();
      if (s == "terminate") d->error_strategy = ErrorStrategy::kTerminate;
      else if (s == "finish") d->error_strategy = ErrorStrategy::kFinish;
      else if (s == "ignore") d->error_strategy = ErrorStrategy::kIgnore;
      else if (s == "retry") d->error_strategy = ErrorStrategy::kRetry;
      else
        return Status::Invalid(where_fn() + ": errorStrategy must be one of terminate, finish, ignore, retry; got '" +
                               s + "'" + DidYouMean(s, {"terminate", "finish", "ignore", "retry"}));
      strategy_set = true;
    } else if (name == "maxForks") {
      FERRY_RETURN_IF_ERROR(IntDirective(v, where_fn, "maxForks", 1, &d->max_forks));
    } else if (name == "publish") {
      FERRY_RETURN_IF_ERROR(StringDirective(v, where_fn, "publish", &d->publish));
    }
    // Other names were validated (and warned about) where they were read.
  }
  // `retry: N` alone means "retry up to N times"; errorStrategy retry alone
  // means one retry, as users of the first reference tool expect.
  if (retry_set && d->retry > 0 && !strategy_set) d->error_strategy = ErrorStrategy::kRetry;
  if (d->error_strategy == ErrorStrategy::kRetry && !retry_set) d->retry = 1;
  return Status::Ok();
}

}  // namespace ferry
