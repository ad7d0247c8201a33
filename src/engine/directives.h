// Directives: the resolved per-attempt settings of one task (cpus, memory,
// executor, retry policy, ...). Values come, lowest precedence first, from the
// config's generic `process` settings, the task's own directives in the
// pipeline, then the config's withLabel and withName blocks; any of them may
// be a `{{ }}` template evaluated against the task (e.g. task.attempt).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "util/status.h"
#include "util/value.h"

namespace ferry {

enum class ErrorStrategy { kTerminate, kFinish, kIgnore, kRetry };

struct Directives {
  int cpus = 1;
  int64_t memory_bytes = 0;  // 0 = not set
  int64_t time_ms = 0;       // 0 = no limit
  std::string container;
  std::string queue;
  std::string executor = "local";
  std::vector<std::string> labels;
  int array = 0;
  int accelerator = 0;
  int retry = 0;  // extra attempts allowed after the first
  ErrorStrategy error_strategy = ErrorStrategy::kTerminate;
  int max_forks = 0;  // 0 = unlimited
  std::string publish;
  std::string cluster_options;  // passed to sbatch by the slurm executor
  std::string tag;              // names the task in progress, trace, history and failures
  int64_t disk_bytes = 0;       // 0 = not set; a Fargate job's ephemeral storage
  // resourceLabels: tags of the task's cloud jobs (awsbatch), in key order.
  std::vector<std::pair<std::string, std::string>> resource_labels;
};

const char* ErrorStrategyName(ErrorStrategy s);

// Converts evaluated directive values (name -> Value, already layered) into
// Directives. `where` gives the prefix of error messages ("pipeline.yml:12:5:
// task 'x'"); it is only called when there is an error, so the common path
// builds no strings.
Status DirectivesFromValues(const ValueMap& values, const std::function<std::string()>& where, Directives* out);

}  // namespace ferry
