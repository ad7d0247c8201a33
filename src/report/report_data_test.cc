#include "report/report_data.h"

#include <gtest/gtest.h>

#include "report/html_page.h"

namespace ferry {
namespace {

ReportInput TwoTasks() {
  ReportInput in;
  in.run.run_name = "brave_turing";
  in.run.status = "FAILED";
  in.run.completed = 1;
  in.run.failed = 1;
  TaskRecord ok;
  ok.task_id = 1;
  ok.name = "count (1)";
  ok.process = "count";
  ok.status = "COMPLETED";
  ok.memory_bytes = 100 << 20;
  ok.usage.peak_rss = 3 << 20;
  ok.usage.realtime_ms = 2000;
  ok.usage.cpu_user_ms = 900;
  ok.usage.cpu_sys_ms = 100;
  TaskRecord bad = ok;
  bad.task_id = 2;
  bad.name = "total </script><!--";
  bad.process = "total";
  bad.status = "FAILED";
  bad.exit_code = 3;
  bad.usage = TaskUsage{};
  in.tasks = {ok, bad};
  in.stderr_tails[{2, 1}] = "boom\n";
  in.created_ms = 1234;
  return in;
}

TEST(ReportData, RowsFollowTheColumnsAndUnknownStaysMinusOne) {
  nlohmann::json d = ReportData(TwoTasks());
  const auto& cols = TaskColumns();
  auto at = [&](const nlohmann::json& row, const std::string& c) {
    return row[std::find(cols.begin(), cols.end(), c) - cols.begin()];
  };
  ASSERT_EQ(d["tasks"].size(), 2u);
  EXPECT_EQ(d["names"], nlohmann::json::array({"count", "total"}));
  EXPECT_EQ(at(d["tasks"][0], "cpu_pct"), 50.0);
  EXPECT_EQ(at(d["tasks"][0], "peak_rss"), 3 << 20);
  EXPECT_EQ(at(d["tasks"][1], "process"), 1);
  EXPECT_EQ(at(d["tasks"][1], "peak_rss"), -1);
  EXPECT_EQ(at(d["tasks"][1], "cpu_pct"), -1);
  ASSERT_EQ(d["failures"].size(), 1u);
  EXPECT_EQ(d["failures"][0]["row"], 1);
  EXPECT_EQ(d["failures"][0]["stderr"], "boom\n");
  EXPECT_EQ(d["created"], 1234);
  EXPECT_EQ(d["recommendations"][1]["memory"], -1);
}

TEST(ReportData, ScriptSafeJsonCannotCloseTheScriptElement) {
  std::string text = ScriptSafeJson(ReportData(TwoTasks()));
  EXPECT_EQ(text.find('<'), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(text)["tasks"][1][1], "total </script><!--");
}

TEST(ReportHtml, OnePageWithEverythingInlineAndNoFetch) {
  std::string html = ReportHtml(TwoTasks());
  EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(html.find("id=\"ferry-data\""), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("href="), std::string::npos);
  EXPECT_EQ(html.find("</script><!--"), std::string::npos);
  // The only difference between two makings is the time they were made.
  ReportInput later = TwoTasks();
  later.created_ms = 99999;
  std::string again = ReportHtml(later);
  EXPECT_NE(html, again);
  size_t at = html.find("\"created\":1234");
  ASSERT_NE(at, std::string::npos);
  EXPECT_EQ(html.replace(at, 14, "\"created\":99999"), again);
}

TEST(TimelineHtml, CarriesTheSameData) {
  std::string html = TimelineHtml(TwoTasks());
  EXPECT_NE(html.find(ScriptSafeJson(ReportData(TwoTasks()))), std::string::npos);
  EXPECT_NE(html.find("ferry timeline: brave_turing"), std::string::npos);
}

}  // namespace
}  // namespace ferry
