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

TEST(UsageReportTest, ABatchJobsReportReadsBackWithItsJob) {
  TaskUsage u;
  u.realtime_ms = 1500;
  u.cpu_user_ms = 1400;
  u.cpu_sys_ms = 30;
  u.peak_rss = 209715200;
  u.wchar = 52428800;
  u.peak_procs = 3;
  u.peak_threads = 5;
  u.queue_ms = 9000;  // not the job's to say
  u.instance_type = "m5.large";
  std::string text = FormatUsageReport(u, "6b1c:2");
  EXPECT_EQ(text.rfind("job_id: 6b1c:2\n", 0), 0u) << text;
  EXPECT_EQ(text.find("queue"), std::string::npos) << text;
  EXPECT_EQ(text.find("rchar"), std::string::npos) << text;  // unknown stays unknown
  TaskUsage back;
  std::string job;
  ASSERT_TRUE(ParseUsageReport(text, &back, &job));
  EXPECT_EQ(job, "6b1c:2");
  EXPECT_EQ(back.realtime_ms, 1500);
  EXPECT_EQ(back.cpu_user_ms, 1400);
  EXPECT_EQ(back.cpu_sys_ms, 30);
  EXPECT_EQ(back.peak_rss, 209715200);
  EXPECT_EQ(back.wchar, 52428800);
  EXPECT_EQ(back.rchar, -1);
  EXPECT_EQ(back.peak_procs, 3);
  EXPECT_EQ(back.peak_threads, 5);
  EXPECT_EQ(back.queue_ms, -1);
  EXPECT_EQ(back.instance_type, "m5.large");
  // A damaged instance type is dropped, never shown.
  TaskUsage odd;
  ASSERT_TRUE(ParseUsageReport("instance_type: <b>x</b>\npeak_rss: 1\n", &odd, &job));
  EXPECT_EQ(odd.instance_type, "");
  EXPECT_EQ(job, "");
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
