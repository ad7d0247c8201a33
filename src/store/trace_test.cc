#include "store/trace.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "util/temp_dir_testing.h"
#include "util/text.h"

namespace ferry {
namespace {

namespace fs = std::filesystem;

using testing::Slurp;

class TraceTest : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    setenv("TZ", "UTC", 1);
    tzset();
  }
};

TaskRecord Sample() {
  TaskRecord t;
  t.task_id = 12;
  t.hash = "ab12cd34ef567890";
  t.native_id = "4242";
  t.name = "count (3)";
  t.status = "COMPLETED";
  t.exit_code = 0;
  t.executor = "local";
  t.cpus = 2;
  t.memory_bytes = int64_t{2} << 30;
  t.submit_ms = 1699999990000;  // 2023-11-14 22:13:10 UTC
  t.start_ms = 1700000000250;
  t.end_ms = 1700000184250;
  t.work_dir = "/work/ab/12cd34ef567890";
  t.attempt = 1;
  return t;
}

TEST_F(TraceTest, HeaderHasTheDocumentedColumns) {
  std::vector<std::string> cols = Split(Trim(TraceHeader()), '\t');
  std::vector<std::string> want = {
      "task_id",      "hash",        "native_id",    "name",       "status",     "exit",          "executor", "cpus",
      "memory",       "submit",      "start",        "complete",   "duration",   "realtime",      "workdir",  "attempt",
      "spot_retries", "%cpu",        "peak_rss",     "peak_vmem",  "rchar",      "wchar",         "syscr",    "syscw",
      "read_bytes",   "write_bytes", "peak_threads", "peak_procs", "queue_time", "instance_type", "process"};
  EXPECT_EQ(cols, want);
}

TEST_F(TraceTest, RowFormatsTimesDurationsAndMemory) {
  std::vector<std::string> c = Split(Trim(TraceRow(Sample())), '\t');
  ASSERT_EQ(c.size(), TaskFieldNames().size());
  EXPECT_EQ(c[0], "12");
  EXPECT_EQ(c[1], "ab/12cd34");
  EXPECT_EQ(c[2], "4242");
  EXPECT_EQ(c[3], "count (3)");
  EXPECT_EQ(c[4], "COMPLETED");
  EXPECT_EQ(c[5], "0");
  EXPECT_EQ(c[6], "local");
  EXPECT_EQ(c[7], "2");
  EXPECT_EQ(c[8], "2 GB");
  EXPECT_EQ(c[9], "2023-11-14 22:13:10.000");
  EXPECT_EQ(c[10], "2023-11-14 22:13:20.250");
  EXPECT_EQ(c[11], "2023-11-14 22:16:24.250");
  EXPECT_EQ(c[12], "3m 14s");
  EXPECT_EQ(c[13], "3m 4s");
  EXPECT_EQ(c[14], "/work/ab/12cd34ef567890");
  EXPECT_EQ(c[15], "1");
  EXPECT_EQ(c[16], "0");
}

TEST_F(TraceTest, ShortTasksShowFractionalSeconds) {
  TaskRecord t = Sample();
  t.submit_ms = t.start_ms - 100;
  t.end_ms = t.start_ms + 1234;
  std::vector<std::string> c = Split(Trim(TraceRow(t)), '\t');
  ASSERT_EQ(c.size(), TaskFieldNames().size());
  EXPECT_EQ(c[12], "1.3s");
  EXPECT_EQ(c[13], "1.2s");
}

TEST_F(TraceTest, UnknownValuesAreDashesAndTabsNeverShiftColumns) {
  TaskRecord t;
  t.task_id = 3;
  t.name = "weird\tname\nwith breaks";
  t.status = "ABORTED";
  std::string row = TraceRow(t);
  EXPECT_EQ(std::count(row.begin(), row.end(), '\n'), 1);
  std::vector<std::string> c = Split(Trim(row), '\t');
  ASSERT_EQ(c.size(), TaskFieldNames().size());
  EXPECT_EQ(c[1], "-");  // hash
  EXPECT_EQ(c[2], "-");  // native_id
  EXPECT_EQ(c[3], "weird name with breaks");
  EXPECT_EQ(c[5], "-");   // exit
  EXPECT_EQ(c[8], "-");   // memory
  EXPECT_EQ(c[9], "-");   // submit
  EXPECT_EQ(c[12], "-");  // duration
  EXPECT_EQ(c[13], "-");  // realtime
}

TEST_F(TraceTest, UsageColumnsShowWhatWasMeasuredAndDashesForTheRest) {
  TaskRecord t = Sample();
  t.usage.realtime_ms = 2000;
  t.usage.cpu_user_ms = 1500;
  t.usage.cpu_sys_ms = 500;
  t.usage.peak_rss = int64_t{200} << 20;
  t.usage.wchar = int64_t{50} << 20;
  t.usage.syscw = 51;
  t.usage.queue_ms = 90000;
  t.usage.instance_type = "m5.large";
  std::vector<std::string> c = Split(Trim(TraceRow(t)), '\t');
  std::vector<std::string> names = TaskFieldNames();
  auto col = [&](const std::string& name) {
    auto it = std::find(names.begin(), names.end(), name);
    EXPECT_NE(it, names.end()) << name;
    return c.at(static_cast<size_t>(it - names.begin()));
  };
  EXPECT_EQ(col("%cpu"), "100.0%");  // 2 s of CPU in 2 s of wall time
  EXPECT_EQ(col("peak_rss"), "200 MB");
  EXPECT_EQ(col("wchar"), "50 MB");
  EXPECT_EQ(col("syscw"), "51");
  EXPECT_EQ(col("queue_time"), "1m 30s");
  EXPECT_EQ(col("instance_type"), "m5.large");
  EXPECT_EQ(col("rchar"), "-");  // -1: not measured, never 0
  EXPECT_EQ(col("peak_vmem"), "-");
  EXPECT_EQ(col("read_bytes"), "-");
}

TEST_F(TraceTest, FileHasHeaderThenOneRowPerWriteImmediately) {
  std::string path = dir() + "/reports/trace.txt";
  std::unique_ptr<TraceWriter> w;
  ASSERT_TRUE(TraceWriter::Open(path, &w).ok());
  EXPECT_EQ(Slurp(path), TraceHeader());  // header is there before any task
  TaskRecord t = Sample();
  ASSERT_TRUE(w->Write(t).ok());
  // Rows are not held in a buffer: visible before Close().
  EXPECT_EQ(Slurp(path), TraceHeader() + TraceRow(t));
  t.task_id = 13;
  t.status = "FAILED";
  t.exit_code = 1;
  ASSERT_TRUE(w->Write(t).ok());
  ASSERT_TRUE(w->Close().ok());
  std::vector<std::string> lines = Split(Trim(Slurp(path)), '\n');
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_NE(lines[2].find("\tFAILED\t1\t"), std::string::npos) << lines[2];
  EXPECT_FALSE(w->Write(t).ok());
  // No temporary file is left next to it.
  int files = 0;
  for (auto& e : fs::directory_iterator(dir() + "/reports")) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1);
}

TEST_F(TraceTest, ExistingFileIsReplaced) {
  std::string path = dir() + "/trace.tsv";
  std::ofstream(path) << "old content\nmore\n";
  std::unique_ptr<TraceWriter> w;
  ASSERT_TRUE(TraceWriter::Open(path, &w).ok());
  EXPECT_EQ(Slurp(path), TraceHeader());
}

TEST_F(TraceTest, UnwritablePathIsAClearError) {
  std::ofstream(dir() + "/afile") << "x";
  std::unique_ptr<TraceWriter> w;
  Status st = TraceWriter::Open(dir() + "/afile/trace.txt", &w);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find(dir() + "/afile/trace.txt"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace ferry
