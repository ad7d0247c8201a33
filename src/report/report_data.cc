#include "report/report_data.h"

#include <cmath>

#include "report/recommend.h"

namespace ferry {

const std::vector<std::string>& TaskColumns() {
  static const std::vector<std::string> kColumns = {
      "id",    "name",       "process",     "status",  "attempt",  "exit",     "executor", "submit",
      "start", "end",        "realtime",    "cpu_pct", "peak_rss", "memory",   "cpus",     "rchar",
      "wchar", "read_bytes", "write_bytes", "queue",   "instance", "work_dir", "native_id"};
  return kColumns;
}

namespace {

// %cpu to one decimal, as the trace shows it; -1 stays -1.
double RoundedCpu(const TaskUsage& u) {
  double pct = CpuPercent(u);
  return pct < 0 ? -1 : std::round(pct * 10) / 10;
}

nlohmann::json TaskRow(const TaskRecord& t, size_t process_index) {
  const TaskUsage& u = t.usage;
  return nlohmann::json::array({t.task_id,       t.name,
                                process_index,   t.status,
                                t.attempt,       t.exit_code,
                                t.executor,      t.submit_ms,
                                t.start_ms,      t.end_ms,
                                u.realtime_ms,   RoundedCpu(u),
                                u.peak_rss,      t.memory_bytes > 0 ? t.memory_bytes : -1,
                                t.cpus,          u.rchar,
                                u.wchar,         u.read_bytes,
                                u.write_bytes,   u.queue_ms,
                                u.instance_type, t.work_dir,
                                t.native_id});
}

nlohmann::json RunJson(const RunRecord& r) {
  return {{"name", r.run_name},         {"status", r.status},     {"pipeline", r.pipeline}, {"command", r.command_line},
          {"launch_dir", r.launch_dir}, {"work_dir", r.work_dir}, {"start", r.start_ms},    {"end", r.end_ms},
          {"completed", r.completed},   {"cached", r.cached},     {"failed", r.failed}};
}

nlohmann::json RecommendationJson(const Recommendation& r) {
  return {{"process", r.process},
          {"tasks", r.tasks},
          {"requested_memory", r.requested_memory},
          {"requested_cpus", r.requested_cpus},
          {"peak_rss_p95", r.peak_rss_p95},
          {"cpu_pct_p95", r.cpu_pct_p95 < 0 ? -1 : std::round(r.cpu_pct_p95 * 10) / 10},
          {"realtime_p95", r.realtime_p95_ms},
          {"memory", r.memory},
          {"cpus", r.cpus},
          {"time", r.time_ms}};
}

}  // namespace

nlohmann::json ReportData(const ReportInput& in) {
  nlohmann::json names = nlohmann::json::array();
  std::map<std::string, size_t> name_index;
  nlohmann::json rows = nlohmann::json::array();
  nlohmann::json failures = nlohmann::json::array();
  for (size_t i = 0; i < in.tasks.size(); ++i) {
    const TaskRecord& t = in.tasks[i];
    auto [it, added] = name_index.emplace(t.process, names.size());
    if (added) names.push_back(t.process);
    rows.push_back(TaskRow(t, it->second));
    if (t.status == "FAILED") {
      auto tail = in.stderr_tails.find({t.task_id, t.attempt});
      failures.push_back({{"row", i}, {"stderr", tail == in.stderr_tails.end() ? "" : tail->second}});
    }
  }
  std::vector<Recommendation> recs = Recommend(in.tasks);
  nlohmann::json rec_json = nlohmann::json::array();
  for (const auto& r : recs) rec_json.push_back(RecommendationJson(r));
  return {{"run", RunJson(in.run)},
          {"created", in.created_ms},
          {"names", names},
          {"columns", TaskColumns()},
          {"tasks", rows},
          {"failures", failures},
          {"recommendations", rec_json},
          {"config", RecommendedConfig(recs)}};
}

std::string ScriptSafeJson(const nlohmann::json& data) {
  // Invalid UTF-8 in a name or stderr is replaced rather than thrown on.
  std::string text = data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '<') out += "\\u003c";
    else out += c;
  }
  return out;
}

}  // namespace ferry
