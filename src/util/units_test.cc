#include "util/units.h"

#include <gtest/gtest.h>

namespace ferry {

TEST(UnitsTest, MemoryIsBinaryAndForgiving) {
  int64_t b = 0;
  ASSERT_TRUE(ParseMemory("2 GB", &b));
  EXPECT_EQ(b, 2LL << 30);
  ASSERT_TRUE(ParseMemory("512.MB", &b));
  EXPECT_EQ(b, 512LL << 20);
  ASSERT_TRUE(ParseMemory("14gib", &b));
  EXPECT_EQ(b, 14LL << 30);
  ASSERT_TRUE(ParseMemory("1.5 GB", &b));
  EXPECT_EQ(b, 3LL << 29);
  EXPECT_FALSE(ParseMemory("lots", &b));
  EXPECT_FALSE(ParseMemory("2 GiBs", &b));
  EXPECT_EQ(FormatMemory(2LL << 30), "2 GB");
  EXPECT_EQ(FormatMemory(3LL << 29), "1.5 GB");
}

TEST(UnitsTest, Durations) {
  int64_t ms = 0;
  ASSERT_TRUE(ParseDuration("1h 30m", &ms));
  EXPECT_EQ(ms, 5400000);
  ASSERT_TRUE(ParseDuration("90s", &ms));
  EXPECT_EQ(ms, 90000);
  ASSERT_TRUE(ParseDuration("2d", &ms));
  EXPECT_EQ(ms, 172800000);
  EXPECT_FALSE(ParseDuration("soon", &ms));
  EXPECT_EQ(FormatDuration(90000), "1m 30s");
  EXPECT_EQ(FormatDuration(450), "450ms");
}

}  // namespace ferry
