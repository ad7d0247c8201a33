#include "rules/rate.h"

#include <gtest/gtest.h>

namespace ferry::rules {
namespace {

TEST(Rate, Forms) {
  double r = 0;
  ASSERT_TRUE(ParseRate("50", &r));
  EXPECT_DOUBLE_EQ(r, 50);
  ASSERT_TRUE(ParseRate("50/s", &r));
  EXPECT_DOUBLE_EQ(r, 50);
  ASSERT_TRUE(ParseRate("10/2min", &r));
  EXPECT_DOUBLE_EQ(r, 10.0 / 120);
  ASSERT_TRUE(ParseRate("100/1min", &r));
  EXPECT_DOUBLE_EQ(r, 100.0 / 60);
  ASSERT_TRUE(ParseRate(" 10 sec ", &r));
  EXPECT_DOUBLE_EQ(r, 10);
  ASSERT_TRUE(ParseRate("0/s", &r));
  EXPECT_DOUBLE_EQ(r, 0) << "a zero count parses; callers reject it";
}

TEST(Rate, NotRates) {
  double r = 0;
  for (const char* bad : {"", "fast", "/s", "10/", "10/0s", "10/fortnight", "99999999999999999999"})
    EXPECT_FALSE(ParseRate(bad, &r)) << bad;
}

}  // namespace
}  // namespace ferry::rules
