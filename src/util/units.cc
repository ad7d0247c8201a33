#include "util/units.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "util/text.h"

namespace ferry {

namespace {
// Reads a non-negative decimal number at s[*pos]; false if none.
bool ReadNumber(std::string_view s, size_t* pos, double* out) {
  size_t start = *pos;
  bool digits = false, dot = false;
  while (*pos < s.size()) {
    char c = s[*pos];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      digits = true;
    } else if (c == '.' && !dot && *pos + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[*pos + 1]))) {
      dot = true;
    } else if (c == '_') {
      // 1_000 as in Groovy
    } else {
      break;
    }
    ++*pos;
  }
  if (!digits) return false;
  std::string num;
  for (char c : s.substr(start, *pos - start))
    if (c != '_') num += c;
  *out = std::strtod(num.c_str(), nullptr);
  return true;
}

void SkipSpace(std::string_view s, size_t* pos) {
  while (*pos < s.size() && std::isspace(static_cast<unsigned char>(s[*pos]))) ++*pos;
}
}  // namespace

bool ParseMemory(std::string_view text, int64_t* bytes) {
  std::string_view s = Trim(text);
  size_t pos = 0;
  double n;
  if (!ReadNumber(s, &pos, &n)) return false;
  SkipSpace(s, &pos);
  if (pos < s.size() && s[pos] == '.') ++pos;
  std::string unit = ToLower(Trim(s.substr(pos)));
  double mult;
  if (unit.empty() || unit == "b") mult = 1;
  else if (unit == "k" || unit == "kb" || unit == "kib") mult = 1024.0;
  else if (unit == "m" || unit == "mb" || unit == "mib") mult = 1024.0 * 1024;
  else if (unit == "g" || unit == "gb" || unit == "gib") mult = 1024.0 * 1024 * 1024;
  else if (unit == "t" || unit == "tb" || unit == "tib") mult = 1024.0 * 1024 * 1024 * 1024;
  else return false;
  double v = n * mult;
  if (!std::isfinite(v) || v > 9.0e18) return false;
  *bytes = static_cast<int64_t>(std::llround(v));
  return true;
}

std::string FormatMemory(int64_t bytes) {
  static const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (u < 4 && v >= 1024 && std::fmod(v, 1024) == 0) {
    v /= 1024;
    ++u;
  }
  if (u < 4 && v >= 1024) {  // not a whole multiple: show one decimal of the next unit
    while (u < 4 && v >= 1024) {
      v /= 1024;
      ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
    return buf;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld %s", static_cast<long long>(v), units[u]);
  return buf;
}

bool ParseDuration(std::string_view text, int64_t* millis) {
  std::string_view s = Trim(text);
  if (s.empty()) return false;
  size_t pos = 0;
  double total = 0;
  bool any = false;
  while (pos < s.size()) {
    SkipSpace(s, &pos);
    if (pos >= s.size()) break;
    double n;
    if (!ReadNumber(s, &pos, &n)) return false;
    SkipSpace(s, &pos);
    if (pos < s.size() && s[pos] == '.') ++pos;
    size_t ustart = pos;
    while (pos < s.size() && std::isalpha(static_cast<unsigned char>(s[pos]))) ++pos;
    std::string unit = ToLower(s.substr(ustart, pos - ustart));
    double mult;
    if (unit.empty() || unit == "ms" || unit == "milli" || unit == "millis") mult = 1;
    else if (unit == "s" || unit == "sec" || unit == "second" || unit == "seconds") mult = 1000;
    else if (unit == "m" || unit == "min" || unit == "minute" || unit == "minutes" || unit == "mins") mult = 60e3;
    else if (unit == "h" || unit == "hour" || unit == "hours") mult = 3600e3;
    else if (unit == "d" || unit == "day" || unit == "days") mult = 86400e3;
    else return false;
    total += n * mult;
    any = true;
  }
  if (!any || total > 9.0e18) return false;
  *millis = static_cast<int64_t>(std::llround(total));
  return true;
}

std::string FormatDuration(int64_t ms) {
  if (ms < 1000) return std::to_string(ms) + "ms";
  int64_t s = ms / 1000;
  std::string out;
  int64_t d = s / 86400, h = (s / 3600) % 24, m = (s / 60) % 60, sec = s % 60;
  auto add = [&](int64_t v, const char* u) {
    if (!out.empty()) out += ' ';
    out += std::to_string(v) + u;
  };
  if (d) add(d, "d");
  if (h) add(h, "h");
  if (m) add(m, "m");
  if (sec || out.empty()) {
    if (!out.empty() || ms % 1000 == 0) {
      add(sec, "s");
    } else {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.1fs", static_cast<double>(ms) / 1000.0);
      out = buf;
    }
  }
  return out;
}

}  // namespace ferry
