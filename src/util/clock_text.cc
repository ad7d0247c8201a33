#include "util/clock_text.h"

#include <chrono>
#include <ctime>

namespace ferry {

namespace {

std::string Format(const std::tm& tm, const char* format) {
  char buf[64];
  if (std::strftime(buf, sizeof buf, format, &tm) == 0) return "";
  return buf;
}

}  // namespace

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string FormatLocalTime(int64_t epoch_ms, const char* format) {
  std::time_t t = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  return Format(tm, format);
}

std::string FormatUtcTime(int64_t epoch_ms, const char* format) {
  std::time_t t = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return Format(tm, format);
}

}  // namespace ferry
