#include "engine/directives.h"

#include "rules/directive_rules.h"
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

int Count(const Value& v) {
  int64_t n = 0;
  rules::WholeNumber(v, &n);
  return static_cast<int>(n);
}

ErrorStrategy StrategyNamed(const std::string& s) {
  for (ErrorStrategy e :
       {ErrorStrategy::kTerminate, ErrorStrategy::kFinish, ErrorStrategy::kIgnore, ErrorStrategy::kRetry})
    if (s == ErrorStrategyName(e)) return e;
  return ErrorStrategy::kTerminate;
}

}  // namespace

Status DirectivesFromValues(const ValueMap& values, const std::function<std::string()>& where_fn, Directives* d) {
  bool retry_set = false, strategy_set = false;
  for (const auto& [name, v] : values) {
    const rules::DirectiveSpec* spec = rules::FindDirective(name);
    // Other names were validated (and warned about) where they were read.
    if (!spec) continue;
    std::string problem;
    if (!rules::CheckDirectiveValue(*spec, v, &problem))
      return Status::Invalid(where_fn() + ": " + name + " " + problem);
    // A null value (a selector unsetting it) leaves the default.
    if (v.is_null()) {
      if (spec->id == rules::DirectiveId::kLabel) d->labels.clear();
      if (spec->id == rules::DirectiveId::kResourceLabels) d->resource_labels.clear();
      continue;
    }
    using D = rules::DirectiveId;
    switch (spec->id) {
      case D::kCpus: d->cpus = Count(v); break;
      case D::kMemory:
        if (v.is_number()) d->memory_bytes = v.as_int();  // a bare number is bytes
        else ParseMemory(v.as_string(), &d->memory_bytes);
        break;
      case D::kTime:
        if (v.is_number()) d->time_ms = v.as_int();  // a bare number is milliseconds
        else ParseDuration(v.as_string(), &d->time_ms);
        break;
      case D::kContainer: d->container = v.ToString(); break;
      case D::kQueue: d->queue = v.ToString(); break;
      case D::kExecutor: d->executor = v.as_string(); break;
      case D::kLabel:
        d->labels.clear();
        if (v.is_list()) {
          for (const auto& l : v.as_list()) d->labels.push_back(l.ToString());
        } else {
          d->labels.push_back(v.ToString());
        }
        break;
      case D::kArray: d->array = Count(v); break;
      case D::kAccelerator:
        // The count is what resource requests need; a map's is its request.
        d->accelerator = Count(v.is_map() ? *v.Find("request") : v);
        break;
      case D::kRetry:
        d->retry = Count(v);
        retry_set = true;
        break;
      case D::kErrorStrategy:
        d->error_strategy = StrategyNamed(v.as_string());
        strategy_set = true;
        break;
      case D::kMaxForks: d->max_forks = Count(v); break;
      case D::kPublish: d->publish = v.ToString(); break;
      case D::kClusterOptions: d->cluster_options = v.ToString(); break;
      case D::kTag: d->tag = v.ToString(); break;
      case D::kDisk:
        if (v.is_number()) d->disk_bytes = v.as_int();  // a bare number is bytes, as for memory
        else ParseMemory(v.as_string(), &d->disk_bytes);
        break;
      case D::kResourceLabels:
        d->resource_labels.clear();
        for (const auto& [k, label] : v.as_map()) d->resource_labels.emplace_back(k, label.ToString());
        break;
    }
  }
  // `retry: N` alone means "retry up to N times"; errorStrategy retry alone
  // means one retry, as users of the first reference tool expect.
  if (retry_set && d->retry > 0 && !strategy_set) d->error_strategy = ErrorStrategy::kRetry;
  if (d->error_strategy == ErrorStrategy::kRetry && !retry_set) d->retry = 1;
  return Status::Ok();
}

}  // namespace ferry
