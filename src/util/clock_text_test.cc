#include "util/clock_text.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <string>

namespace ferry {
namespace {

TEST(ClockTextTest, UtcTimeDropsMillisecondsAndUsesTheFormat) {
  // 2021-03-04T05:06:07.890Z
  EXPECT_EQ(FormatUtcTime(1614834367890, "%Y-%m-%dT%H:%M:%SZ"), "2021-03-04T05:06:07Z");
  EXPECT_EQ(FormatUtcTime(1614834367890, "%Y-%m-%d %H:%M:%S"), "2021-03-04 05:06:07");
}

TEST(ClockTextTest, LocalTimeFollowsTheTimeZone) {
  const char* old = std::getenv("TZ");
  std::string saved = old ? old : "";
  setenv("TZ", "UTC", 1);
  tzset();
  EXPECT_EQ(FormatLocalTime(1614834367890, "%Y-%m-%d %H:%M:%S"), "2021-03-04 05:06:07");
  if (old) setenv("TZ", saved.c_str(), 1);
  else unsetenv("TZ");
  tzset();
}

}  // namespace
}  // namespace ferry
