#include "executor/usage_report.h"

#include <gtest/gtest.h>

namespace ferry {
namespace {

TEST(UsageReportTest, ReadsTheBuiltinsReportWithProcIoAppended) {
  TaskUsage u;
  ASSERT_TRUE(
      ParseUsageReport("cpu_user_ms: 200\ncpu_sys_ms: 12\npeak_rss: 223633408\n"
                       "rchar: 54121612\nwchar: 52430589\nsyscr: 729\nsyscw: 82\n"
                       "read_bytes: 212992\nwrite_bytes: 52445184\ncancelled_write_bytes: 0\n",
                       &u));
  EXPECT_EQ(u.cpu_user_ms, 200);
  EXPECT_EQ(u.cpu_sys_ms, 12);
  EXPECT_EQ(u.peak_rss, 223633408);
  EXPECT_EQ(u.rchar, 54121612);
  EXPECT_EQ(u.wchar, 52430589);
  EXPECT_EQ(u.syscr, 729);
  EXPECT_EQ(u.syscw, 82);
  EXPECT_EQ(u.read_bytes, 212992);
  EXPECT_EQ(u.write_bytes, 52445184);
  EXPECT_EQ(u.peak_vmem, -1);  // not in the report: still unknown
  EXPECT_EQ(u.realtime_ms, -1);
}

TEST(UsageReportTest, DamagedLinesAreSkippedAndTheRestKept) {
  TaskUsage u;
  // A report cut short while written, garbage, negative and overflowing values.
  ASSERT_TRUE(
      ParseUsageReport("peak_rss: -5\nrchar: 12x\nnonsense\n: 3\nwchar: 99999999999999999999999\n"
                       "syscr: 4\nsyscw: 1",
                       &u));
  EXPECT_EQ(u.peak_rss, -1);
  EXPECT_EQ(u.rchar, -1);
  EXPECT_EQ(u.wchar, -1);
  EXPECT_EQ(u.syscr, 4);
  EXPECT_EQ(u.syscw, 1);  // the last line needs no newline
  TaskUsage none;
  EXPECT_FALSE(ParseUsageReport("", &none));
  EXPECT_FALSE(ParseUsageReport("hello: world\n", &none));
  EXPECT_FALSE(ReadUsageReport("/nonexistent/io", &none));
}

TEST(UsageReportTest, RusageGivesCpuMillisAndPeakRssInBytes) {
  struct rusage ru = {};
  ru.ru_utime.tv_sec = 2;
  ru.ru_utime.tv_usec = 345000;
  ru.ru_stime.tv_usec = 6000;
  ru.ru_maxrss = 1024;  // KiB
  TaskUsage u;
  UsageFromRusage(ru, &u);
  EXPECT_EQ(u.cpu_user_ms, 2345);
  EXPECT_EQ(u.cpu_sys_ms, 6);
  EXPECT_EQ(u.peak_rss, 1 << 20);
}

TEST(UsageReportTest, CpuPercentIsCpuOverWallTime) {
  TaskUsage u;
  EXPECT_EQ(CpuPercent(u), -1);
  u.realtime_ms = 2000;
  u.cpu_user_ms = 3000;
  u.cpu_sys_ms = 1000;
  EXPECT_DOUBLE_EQ(CpuPercent(u), 200);  // two busy cores
  u.realtime_ms = 0;
  u.cpu_user_ms = 1;
  u.cpu_sys_ms = 0;
  EXPECT_DOUBLE_EQ(CpuPercent(u), 100);
}

}  // namespace
}  // namespace ferry
