#include "store/task_fields.h"

#include <cstdio>
#include <ctime>

#include "util/units.h"

namespace ferry {

namespace {

// "ab/12cd34": the same short form the progress display shows.
std::string ShortHash(const std::string& h) {
  if (h.size() <= 8 || h.find('/') != std::string::npos) return h;
  return h.substr(0, 2) + "/" + h.substr(2, 6);
}

FieldValue Text(const std::string& s) { return {FieldKind::kText, !s.empty(), 0, s}; }
// -1 (or, where said, 0) is how records spell "not known".
FieldValue Number(FieldKind k, int64_t v, int64_t unknown_below = 0) {
  return {k, v >= unknown_below, static_cast<double>(v), ""};
}
FieldValue Span(int64_t from_ms, int64_t to_ms) {
  if (from_ms <= 0 || to_ms <= 0 || to_ms < from_ms) return {FieldKind::kMillis, false, 0, ""};
  return Number(FieldKind::kMillis, to_ms - from_ms);
}
FieldValue Cpu(const TaskUsage& u) {
  double pct = CpuPercent(u);
  return {FieldKind::kPercent, pct >= 0, pct, ""};
}

struct Field {
  const char* name;
  FieldKind kind;
  FieldValue (*value)(const TaskRecord& t);
};

// Names and meanings follow the reference tool's trace where it has the
// field; peak_threads, peak_procs, queue_time, instance_type, executor and
// spot_retries are ferry's own. (Its `queue` is the queue's name, so the
// time spent waiting in one is queue_time here.)
const Field kFields[] = {
    {"task_id", FieldKind::kCount, [](const TaskRecord& t) { return Number(FieldKind::kCount, t.task_id); }},
    {"hash", FieldKind::kText, [](const TaskRecord& t) { return Text(ShortHash(t.hash)); }},
    {"native_id", FieldKind::kText, [](const TaskRecord& t) { return Text(t.native_id); }},
    {"name", FieldKind::kText, [](const TaskRecord& t) { return Text(t.name); }},
    {"status", FieldKind::kText, [](const TaskRecord& t) { return Text(t.status); }},
    {"exit", FieldKind::kCount, [](const TaskRecord& t) { return Number(FieldKind::kCount, t.exit_code); }},
    {"executor", FieldKind::kText, [](const TaskRecord& t) { return Text(t.executor); }},
    {"cpus", FieldKind::kCount, [](const TaskRecord& t) { return Number(FieldKind::kCount, t.cpus); }},
    {"memory", FieldKind::kBytes, [](const TaskRecord& t) { return Number(FieldKind::kBytes, t.memory_bytes, 1); }},
    {"submit", FieldKind::kTimestamp,
     [](const TaskRecord& t) { return Number(FieldKind::kTimestamp, t.submit_ms, 1); }},
    {"start", FieldKind::kTimestamp, [](const TaskRecord& t) { return Number(FieldKind::kTimestamp, t.start_ms, 1); }},
    {"complete", FieldKind::kTimestamp, [](const TaskRecord& t) { return Number(FieldKind::kTimestamp, t.end_ms, 1); }},
    {"duration", FieldKind::kMillis, [](const TaskRecord& t) { return Span(t.submit_ms, t.end_ms); }},
    {"realtime", FieldKind::kMillis, [](const TaskRecord& t) { return Span(t.start_ms, t.end_ms); }},
    {"workdir", FieldKind::kText, [](const TaskRecord& t) { return Text(t.work_dir); }},
    {"attempt", FieldKind::kCount, [](const TaskRecord& t) { return Number(FieldKind::kCount, t.attempt); }},
    {"spot_retries", FieldKind::kCount, [](const TaskRecord& t) { return Number(FieldKind::kCount, t.spot_retries); }},
    {"%cpu", FieldKind::kPercent, [](const TaskRecord& t) { return Cpu(t.usage); }},
    {"peak_rss", FieldKind::kBytes, [](const TaskRecord& t) { return Number(FieldKind::kBytes, t.usage.peak_rss); }},
    {"peak_vmem", FieldKind::kBytes, [](const TaskRecord& t) { return Number(FieldKind::kBytes, t.usage.peak_vmem); }},
    {"rchar", FieldKind::kBytes, [](const TaskRecord& t) { return Number(FieldKind::kBytes, t.usage.rchar); }},
    {"wchar", FieldKind::kBytes, [](const TaskRecord& t) { return Number(FieldKind::kBytes, t.usage.wchar); }},
    {"syscr", FieldKind::kCount, [](const TaskRecord& t) { return Number(FieldKind::kCount, t.usage.syscr); }},
    {"syscw", FieldKind::kCount, [](const TaskRecord& t) { return Number(FieldKind::kCount, t.usage.syscw); }},
    {"read_bytes", FieldKind::kBytes,
     [](const TaskRecord& t) { return Number(FieldKind::kBytes, t.usage.read_bytes); }},
    {"write_bytes", FieldKind::kBytes,
     [](const TaskRecord& t) { return Number(FieldKind::kBytes, t.usage.write_bytes); }},
    {"peak_threads", FieldKind::kCount,
     [](const TaskRecord& t) { return Number(FieldKind::kCount, t.usage.peak_threads); }},
    {"peak_procs", FieldKind::kCount,
     [](const TaskRecord& t) { return Number(FieldKind::kCount, t.usage.peak_procs); }},
    {"queue_time", FieldKind::kMillis,
     [](const TaskRecord& t) { return Number(FieldKind::kMillis, t.usage.queue_ms); }},
    {"instance_type", FieldKind::kText, [](const TaskRecord& t) { return Text(t.usage.instance_type); }},
    {"process", FieldKind::kText, [](const TaskRecord& t) { return Text(t.process); }},
};
constexpr int kFieldCount = static_cast<int>(sizeof kFields / sizeof kFields[0]);

}  // namespace

const std::vector<std::string>& TaskFieldNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const Field& f : kFields) v.push_back(f.name);
    return v;
  }();
  return names;
}

int FindTaskField(std::string_view name) {
  for (int i = 0; i < kFieldCount; ++i)
    if (name == kFields[i].name) return i;
  return -1;
}

FieldKind TaskFieldKind(int field) { return kFields[field].kind; }

FieldValue TaskFieldValue(const TaskRecord& t, int field) { return kFields[field].value(t); }

std::string FormatTimestamp(int64_t ms) {
  if (ms <= 0) return "-";
  time_t secs = static_cast<time_t>(ms / 1000);
  struct tm tm;
  localtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%03d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

std::string FormatFieldValue(const FieldValue& v) {
  if (!v.known) return "-";
  const auto whole = static_cast<int64_t>(v.number);
  switch (v.kind) {
    case FieldKind::kText: {
      std::string out = v.text;
      for (char& c : out)
        if (c == '\t' || c == '\n' || c == '\r') c = ' ';
      return out;
    }
    case FieldKind::kCount: return std::to_string(whole);
    case FieldKind::kBytes: return FormatMemory(whole);
    case FieldKind::kMillis: return FormatDuration(whole);
    case FieldKind::kTimestamp: return FormatTimestamp(whole);
    case FieldKind::kPercent: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.1f%%", v.number);
      return buf;
    }
  }
  return "-";
}

}  // namespace ferry
