#include "report/recommend.h"

#include <gtest/gtest.h>

namespace ferry {
namespace {

TaskRecord Attempt(const std::string& process, int64_t rss, int64_t cpu_ms, int64_t real_ms) {
  TaskRecord t;
  t.process = process;
  t.name = process;
  t.status = "COMPLETED";
  t.memory_bytes = 8LL << 30;
  t.cpus = 4;
  t.usage.peak_rss = rss;
  t.usage.cpu_user_ms = cpu_ms;
  t.usage.cpu_sys_ms = cpu_ms >= 0 ? 0 : -1;
  t.usage.realtime_ms = real_ms;
  return t;
}

TEST(Percentile, NearestRank) {
  std::vector<double> v;
  for (int i = 1; i <= 100; ++i) v.push_back(i);
  EXPECT_EQ(Percentile(v, 95), 95);
  EXPECT_EQ(Percentile({7}, 95), 7);
  EXPECT_EQ(Percentile({}, 95), -1);
}

TEST(Recommend, SuggestsP95WithHeadroomPerName) {
  std::vector<TaskRecord> tasks;
  // 20 align tasks using 100..290 MB, one core each, 10 min.
  for (int i = 0; i < 20; ++i) tasks.push_back(Attempt("align", (100 + 10 * i) * 1048576LL, 600000, 600000));
  tasks.push_back(Attempt("merge", 300LL << 20, 2 * 60000, 60000));  // two cores busy for a minute
  std::vector<Recommendation> r = Recommend(tasks);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].process, "align");
  EXPECT_EQ(r[0].tasks, 20);
  EXPECT_EQ(r[0].requested_memory, 8LL << 30);
  EXPECT_EQ(r[0].peak_rss_p95, 280LL << 20);  // the 19th of 20
  EXPECT_EQ(r[0].memory, 352LL << 20);        // 280 MB * 1.25 = 350 MB, up to 16 MB steps
  EXPECT_EQ(r[0].cpus, 1);
  EXPECT_EQ(r[0].time_ms, 15 * 60000);  // 10 min * 1.5
  EXPECT_EQ(r[1].cpus, 2);
  EXPECT_EQ(r[1].time_ms, 2 * 60000);  // 1.5 min rounded up to whole minutes
}

TEST(Recommend, UnmeasuredStaysUnknownAndOutOfTheConfig) {
  std::vector<TaskRecord> tasks = {Attempt("index", -1, -1, -1), Attempt("sort", 20LL << 20, -1, 1000)};
  std::vector<Recommendation> r = Recommend(tasks);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].memory, -1);
  EXPECT_EQ(r[0].cpus, -1);
  EXPECT_EQ(r[0].time_ms, -1);
  EXPECT_EQ(r[1].cpus, -1);  // no CPU time measured
  EXPECT_EQ(RecommendedConfig(r),
            "process {\n"
            "    withName: 'sort' {\n"
            "        memory = '32 MB'\n"
            "        time = '1m'\n"
            "    }\n"
            "}\n");
  EXPECT_EQ(RecommendedConfig(Recommend({Attempt("index", -1, -1, -1)})), "");
}

TEST(Recommend, ConfigWritesHoursAndLargeMemory) {
  std::vector<Recommendation> r = Recommend({Attempt("big", 3LL << 30, 3600000 * 2, 3600000 * 2)});
  EXPECT_EQ(RecommendedConfig(r),
            "process {\n"
            "    withName: 'big' {\n"
            "        memory = '3840 MB'\n"
            "        cpus = 1\n"
            "        time = '3h'\n"
            "    }\n"
            "}\n");
}

}  // namespace
}  // namespace ferry
