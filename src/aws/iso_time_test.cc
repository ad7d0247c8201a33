#include "aws/iso_time.h"

#include <gtest/gtest.h>

namespace ferry::aws {
namespace {

TEST(IsoTime, ReadsTheFormsAwsWrites) {
  int64_t t = 0;
  ASSERT_TRUE(ParseIsoTime("2009-10-12T17:50:30.000Z", &t));
  EXPECT_EQ(t, 1255369830);
  ASSERT_TRUE(ParseIsoTime("2009-10-12T17:50:30Z", &t));  // STS, IMDS
  EXPECT_EQ(t, 1255369830);
  ASSERT_TRUE(ParseIsoTime("2009-10-12T17:50:30UTC", &t));  // older aws CLI SSO caches
  EXPECT_EQ(t, 1255369830);
  ASSERT_TRUE(ParseIsoTime("2009-10-12T19:50:30+02:00", &t));
  EXPECT_EQ(t, 1255369830);
  ASSERT_TRUE(ParseIsoTime("2009-10-12T12:50:30.123456-0500", &t));
  EXPECT_EQ(t, 1255369830);
  ASSERT_TRUE(ParseIsoTime("2024-02-29T00:00:00Z", &t));
  EXPECT_EQ(t, 1709164800);
}

// A CreationDate with 15 digits of seconds overflowed sscanf's int: undefined
// behaviour found by fuzz/s3_xml_fuzz.cc (CI of stop 23). Each of these is
// now simply not a time.
TEST(IsoTime, RefusesOverlongAndImpossibleFields) {
  int64_t t = 42;
  for (const char* bad :
       {"2026-01-02T03:04:222222222222205.000Z", "20260-01-02T03:04:05Z", "2026-13-02T03:04:05Z",
        "2026-02-30T03:04:05Z", "2025-02-29T03:04:05Z", "2026-01-02T24:00:00Z", "2026-01-02T03:60:05Z",
        "2026-01-02T03:04:05.Z", "2026-01-02T03:04:05Zjunk", "2026-01-02T03:04:05+2:00", "9999-01-02T03:04:05Z",
        "1007-01-02T03:04:05Z", "2026-01-02 03:04:05Z", "", "-2026-01-02T03:04:05Z"}) {
    EXPECT_FALSE(ParseIsoTime(bad, &t)) << bad;
    EXPECT_EQ(t, 42) << bad;
  }
}

TEST(IsoTime, CivilToEpochBoundsTheYearSystemClockCanHold) {
  int64_t t = 0;
  EXPECT_TRUE(CivilToEpoch(1970, 1, 1, 0, 0, 0, &t));
  EXPECT_EQ(t, 0);
  EXPECT_TRUE(CivilToEpoch(2200, 12, 31, 23, 59, 60, &t));
  EXPECT_FALSE(CivilToEpoch(2201, 1, 1, 0, 0, 0, &t));
  EXPECT_FALSE(CivilToEpoch(1969, 12, 31, 23, 59, 59, &t));
  EXPECT_FALSE(CivilToEpoch(2023, 4, 31, 0, 0, 0, &t));
}

}  // namespace
}  // namespace ferry::aws
