#include "rules/rate.h"

#include <gtest/gtest.h>

#include <utility>

namespace ferry::rules {
namespace {

TEST(Rate, Forms) {
  const std::pair<const char*, double> cases[] = {
      {"50", 50},       {"50/s", 50}, {"10/2min", 10.0 / 120}, {"100/1min", 100.0 / 60},
      {" 10 sec ", 10}, {"0/s", 0},  // a zero count parses; callers reject it
  };
  for (const auto& [text, want] : cases) {
    double r = -1;
    ASSERT_TRUE(ParseRate(text, &r)) << text;
    EXPECT_DOUBLE_EQ(r, want) << text;
  }
}

TEST(Rate, NotRates) {
  double r = 0;
  for (const char* bad : {"", "fast", "/s", "10/", "10/0s", "10/fortnight", "99999999999999999999"})
    EXPECT_FALSE(ParseRate(bad, &r)) << bad;
}

}  // namespace
}  // namespace ferry::rules
