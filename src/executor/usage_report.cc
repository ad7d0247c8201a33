#include "executor/usage_report.h"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstring>

#include "util/text.h"

namespace ferry {

namespace {

int64_t* FieldNamed(std::string_view key, TaskUsage* u) {
  struct Named {
    const char* name;
    int64_t TaskUsage::*field;
  };
  static const Named kFields[] = {
      {"realtime_ms", &TaskUsage::realtime_ms},
      {"cpu_user_ms", &TaskUsage::cpu_user_ms},
      {"cpu_sys_ms", &TaskUsage::cpu_sys_ms},
      {"peak_rss", &TaskUsage::peak_rss},
      {"peak_vmem", &TaskUsage::peak_vmem},
      {"rchar", &TaskUsage::rchar},
      {"wchar", &TaskUsage::wchar},
      {"syscr", &TaskUsage::syscr},
      {"syscw", &TaskUsage::syscw},
      {"read_bytes", &TaskUsage::read_bytes},
      {"write_bytes", &TaskUsage::write_bytes},
      {"peak_threads", &TaskUsage::peak_threads},
      {"peak_procs", &TaskUsage::peak_procs},
  };
  for (const auto& f : kFields)
    if (key == f.name) return &(u->*f.field);
  return nullptr;
}

// The order FormatUsageReport writes; each name is one of FieldNamed's.
const char* const kWritten[] = {"realtime_ms", "cpu_user_ms",  "cpu_sys_ms", "peak_rss", "peak_vmem",
                                "rchar",       "wchar",        "syscr",      "syscw",    "read_bytes",
                                "write_bytes", "peak_threads", "peak_procs"};

// An instance type or job id is one word of letters, digits and ".:-_"
// (m5.large, 0f6b...:3): anything else is damage, never shown.
bool IsPlainWord(std::string_view s) {
  if (s.empty() || s.size() > 128) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_' && c != ':') return false;
  return true;
}

}  // namespace

bool ParseUsageReport(std::string_view text, TaskUsage* out, std::string* job_id) {
  bool any = false;
  if (job_id) job_id->clear();
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view key = Trim(line.substr(0, colon));
    std::string_view value = Trim(line.substr(colon + 1));
    if (key == "instance_type" || key == "job_id") {
      if (!IsPlainWord(value)) continue;
      if (key == "job_id") {
        if (job_id) *job_id = std::string(value);
      } else {
        out->instance_type = std::string(value);
        any = true;
      }
      continue;
    }
    int64_t* field = FieldNamed(key, out);
    int64_t v = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (!field || ec != std::errc() || end != value.data() + value.size() || v < 0) continue;
    *field = v;
    any = true;
  }
  return any;
}

std::string FormatUsageReport(const TaskUsage& u, const std::string& job_id) {
  std::string out;
  if (IsPlainWord(job_id)) out += "job_id: " + job_id + "\n";
  TaskUsage copy = u;
  for (const char* name : kWritten) {
    int64_t v = *FieldNamed(name, &copy);
    if (v >= 0) out += std::string(name) + ": " + std::to_string(v) + "\n";
  }
  if (IsPlainWord(u.instance_type)) out += "instance_type: " + u.instance_type + "\n";
  return out;
}

void UsageFromRusage(const struct rusage& ru, TaskUsage* out) {
  auto ms = [](const timeval& tv) { return static_cast<int64_t>(tv.tv_sec) * 1000 + tv.tv_usec / 1000; };
  out->cpu_user_ms = ms(ru.ru_utime);
  out->cpu_sys_ms = ms(ru.ru_stime);
  out->peak_rss = static_cast<int64_t>(ru.ru_maxrss) * 1024;  // Linux reports KiB
}

bool ReadUsageReport(const std::string& path, TaskUsage* out) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[2048];
  ssize_t n;
  std::string text;
  while ((n = read(fd, buf, sizeof buf)) > 0 && text.size() < 16384) text.append(buf, static_cast<size_t>(n));
  close(fd);
  return ParseUsageReport(text, out);
}

}  // namespace ferry
