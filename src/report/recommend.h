// Sizing advice: per task name, the memory, cpus and time settings that what
// the tasks used would have needed (the 95th percentile plus headroom), and
// the ferry.config block that sets them. Pure: works on TaskRecords, so it
// is the same for a live run and for one read back from history.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/history.h"

namespace ferry {

// What one task name used and what the report suggests for it. A value of -1
// means unknown: no attempt of that name had the measurement.
struct Recommendation {
  std::string process;
  int tasks = 0;                  // attempts with this name
  int64_t requested_memory = -1;  // largest memory asked for (bytes), -1 none
  int requested_cpus = -1;        // largest cpus asked for
  int64_t peak_rss_p95 = -1;      // bytes
  double cpu_pct_p95 = -1;        // % of one core
  int64_t realtime_p95_ms = -1;   //
  int64_t memory = -1;            // suggested bytes
  int cpus = -1;                  // suggested cpus
  int64_t time_ms = -1;           // suggested time limit
};

// Headroom added to the 95th percentile: memory x1.25, time x1.5 (so one
// slower input does not hit the limit), cpus rounded up to whole cores.
std::vector<Recommendation> Recommend(const std::vector<TaskRecord>& tasks);

// `process { withName: 'NAME' { memory = ... } }` for the names with at least
// one suggestion; "" when nothing was measured.
std::string RecommendedConfig(const std::vector<Recommendation>& recs);

// Nearest-rank percentile (0 < p <= 100) of `values`; -1 when empty.
double Percentile(std::vector<double> values, double p);

}  // namespace ferry
