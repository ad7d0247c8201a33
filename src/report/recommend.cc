#include "report/recommend.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace ferry {

namespace {

constexpr int64_t kMiB = 1024 * 1024;

// Memory is suggested in steps a person would write: 16 MB below 1 GB,
// 256 MB above, and never under 16 MB.
int64_t RoundMemoryUp(double bytes) {
  const int64_t step = bytes < 1024.0 * kMiB ? 16 * kMiB : 256 * kMiB;
  int64_t steps = static_cast<int64_t>(std::ceil(bytes / static_cast<double>(step)));
  return std::max<int64_t>(1, steps) * step;
}

// Time limits are suggested in whole minutes, at least one.
int64_t RoundTimeUp(double ms) {
  const int64_t minute = 60 * 1000;
  int64_t minutes = static_cast<int64_t>(std::ceil(ms / minute));
  return std::max<int64_t>(1, minutes) * minute;
}

std::string TimeText(int64_t ms) {
  int64_t minutes = ms / 60000;
  std::string out;
  if (minutes >= 60) out = std::to_string(minutes / 60) + "h";
  if (minutes % 60 || out.empty()) out += (out.empty() ? "" : " ") + std::to_string(minutes % 60) + "m";
  return out;
}

// Exact, as the suggestion is in whole 16 MB steps: "4 GB" or "3840 MB"
// (FormatMemory's one decimal would write 3.75 GB as "3.8 GB").
std::string MemoryText(int64_t bytes) {
  const int64_t gib = 1024 * kMiB;
  if (bytes % gib == 0) return std::to_string(bytes / gib) + " GB";
  return std::to_string(bytes / kMiB) + " MB";
}

std::string QuoteName(const std::string& name) {
  std::string out = "'";
  for (char c : name) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

}  // namespace

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return -1;
  std::sort(values.begin(), values.end());
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
  return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

std::vector<Recommendation> Recommend(const std::vector<TaskRecord>& tasks) {
  struct Samples {
    Recommendation rec;
    std::vector<double> rss, cpu, time;
  };
  std::vector<Samples> by_name;
  std::map<std::string, size_t> index;
  for (const auto& t : tasks) {
    auto [it, added] = index.emplace(t.process, by_name.size());
    if (added) by_name.push_back(Samples{Recommendation{.process = t.process}, {}, {}, {}});
    Samples& s = by_name[it->second];
    s.rec.tasks++;
    if (t.memory_bytes > 0) s.rec.requested_memory = std::max(s.rec.requested_memory, t.memory_bytes);
    if (t.cpus > 0) s.rec.requested_cpus = std::max(s.rec.requested_cpus, t.cpus);
    if (t.usage.peak_rss >= 0) s.rss.push_back(static_cast<double>(t.usage.peak_rss));
    if (double pct = CpuPercent(t.usage); pct >= 0) s.cpu.push_back(pct);
    if (t.usage.realtime_ms >= 0) s.time.push_back(static_cast<double>(t.usage.realtime_ms));
  }
  std::vector<Recommendation> out;
  for (auto& s : by_name) {
    Recommendation r = s.rec;
    if (!s.rss.empty()) {
      r.peak_rss_p95 = static_cast<int64_t>(Percentile(s.rss, 95));
      r.memory = RoundMemoryUp(static_cast<double>(r.peak_rss_p95) * 1.25);
    }
    if (!s.cpu.empty()) {
      r.cpu_pct_p95 = Percentile(s.cpu, 95);
      r.cpus = std::max(1, static_cast<int>(std::ceil(r.cpu_pct_p95 / 100.0 - 0.05)));
    }
    if (!s.time.empty()) {
      r.realtime_p95_ms = static_cast<int64_t>(Percentile(s.time, 95));
      r.time_ms = RoundTimeUp(static_cast<double>(r.realtime_p95_ms) * 1.5);
    }
    out.push_back(r);
  }
  return out;
}

std::string RecommendedConfig(const std::vector<Recommendation>& recs) {
  std::string body;
  for (const auto& r : recs) {
    if (r.memory < 0 && r.cpus < 0 && r.time_ms < 0) continue;
    body += "    withName: " + QuoteName(r.process) + " {\n";
    if (r.memory >= 0) body += "        memory = '" + MemoryText(r.memory) + "'\n";
    if (r.cpus >= 0) body += "        cpus = " + std::to_string(r.cpus) + "\n";
    if (r.time_ms >= 0) body += "        time = '" + TimeText(r.time_ms) + "'\n";
    body += "    }\n";
  }
  return body.empty() ? "" : "process {\n" + body + "}\n";
}

}  // namespace ferry
