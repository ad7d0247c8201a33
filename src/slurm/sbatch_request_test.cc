#include "slurm/sbatch_request.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace ferry::slurm {
namespace {

bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TaskRun Task(const std::string& name, const std::string& dir) {
  TaskRun t;
  t.id = 1;
  t.name = name;
  t.process = "count";
  t.work_dir = dir;
  return t;
}

TEST(Sbatch, ResourcesMapToOptions) {
  TaskRun t = Task("count (3)", "/shared/work/ab/cdef");
  t.queue = "big";
  t.cpus = 4;
  t.memory_bytes = 1536LL * 1024 * 1024 + 1;  // rounds up to the next MiB
  t.time_limit_ms = 90 * 1000;                // rounds up to 2 minutes
  t.accelerators = 2;
  t.cluster_options = "--account=lab42 --qos 'high prio'";
  t.env = {{"GREETING", "it's, here"}};
  SbatchRequest r;
  ASSERT_TRUE(BuildSbatchRequest({&t}, {"happy_turing", "/x"}, &r).ok());
  EXPECT_EQ(r.argv[0], "sbatch");
  EXPECT_TRUE(Has(r.argv, "--parsable"));
  EXPECT_TRUE(Has(r.argv, "--partition=big"));
  EXPECT_TRUE(Has(r.argv, "--cpus-per-task=4"));
  EXPECT_TRUE(Has(r.argv, "--mem=1537M"));
  EXPECT_TRUE(Has(r.argv, "--time=2"));
  EXPECT_TRUE(Has(r.argv, "--gres=gpu:2"));
  EXPECT_TRUE(Has(r.argv, "--account=lab42"));
  EXPECT_TRUE(Has(r.argv, "--qos"));
  EXPECT_TRUE(Has(r.argv, "high prio"));
  EXPECT_TRUE(Has(r.argv, "--job-name=ferry-happy_turing-count__3_-1"));
  EXPECT_EQ(r.job_name, "ferry-happy_turing-count__3_-1");
  EXPECT_TRUE(Has(r.argv, "--chdir=/shared/work/ab/cdef"));
  EXPECT_TRUE(Has(r.argv, "--output=/shared/work/ab/cdef/.command.log"));
  EXPECT_NE(r.script.find("export GREETING='it'\\''s, here'\n"), std::string::npos) << r.script;
  EXPECT_NE(r.script.find("cd /shared/work/ab/cdef || exit 1\n"), std::string::npos) << r.script;
  // The marker (job id and name) before the task's wrapper runs, the end
  // marker (its status) after it returned.
  EXPECT_NE(r.script.find("\"${SLURM_JOB_NAME:-}\" > .command.begin\n/bin/bash .command.run\nstatus=$?\n"
                          "printf '%s\\n' \"$status\" > .command.end\nexit $status\n"),
            std::string::npos)
      << r.script;
  ASSERT_EQ(r.job_logs.size(), 1u);
}

TEST(Sbatch, NoMemoryOrTimeLeavesThePartitionDefaults) {
  TaskRun t = Task("a", "/w/a");
  SbatchRequest r;
  ASSERT_TRUE(BuildSbatchRequest({&t}, {"r", "/x"}, &r).ok());
  for (const auto& a : r.argv) {
    EXPECT_NE(a.rfind("--mem", 0), 0u) << a;
    EXPECT_NE(a.rfind("--time", 0), 0u) << a;
    EXPECT_NE(a.rfind("--partition", 0), 0u) << a;
  }
}

TEST(Sbatch, ArrayElementsPickTheirWorkDir) {
  TaskRun a = Task("count (1)", "/w/a"), b = Task("count (2)", "/w/b b");
  a.array_key = b.array_key = "count";
  SbatchRequest r;
  ASSERT_TRUE(BuildSbatchRequest({&a, &b}, {"r", "/w/.slurm-logs"}, &r).ok());
  EXPECT_TRUE(Has(r.argv, "--array=0-1"));
  EXPECT_TRUE(Has(r.argv, "--output=/w/.slurm-logs/%A_%a.log"));
  EXPECT_TRUE(Has(r.argv, "--job-name=ferry-r-count-array0-1"));
  EXPECT_NE(r.script.find("  0) cd /w/a || exit 1 ;;\n  1) cd '/w/b b' || exit 1 ;;\n"), std::string::npos) << r.script;
}

TEST(ClusterOptions, QuotesAndErrors) {
  std::vector<std::string> w;
  ASSERT_TRUE(SplitClusterOptions("  -A x  --constraint=\"a|b\" --comment=it\\ is ", &w).ok());
  EXPECT_EQ(w, (std::vector<std::string>{"-A", "x", "--constraint=a|b", "--comment=it is"}));
  Status st = SplitClusterOptions("--qos 'high", &w);
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.kind(), Status::Kind::kInvalidInput);
  EXPECT_NE(st.message().find("unterminated ' quote"), std::string::npos);
}

TEST(JobName, ReplacesOddCharactersAndIsBounded) {
  EXPECT_EQ(JobName("run", "align (sample 1)", 1), "ferry-run-align__sample_1_-1");
  std::string cut = JobName("run", std::string(300, 'x'), 12);
  EXPECT_EQ(cut.size(), 100u);
  EXPECT_EQ(cut.substr(96), "x-12");  // the attempt is never cut
}

}  // namespace
}  // namespace ferry::slurm
