#include "store/task_filter.h"

#include <gtest/gtest.h>

namespace ferry {
namespace {

TaskRecord Task(const std::string& name, const std::string& status, int64_t rss, int64_t start, int64_t end) {
  TaskRecord t;
  t.name = name;
  t.status = status;
  t.exit_code = status == "FAILED" ? 1 : 0;
  t.start_ms = start;
  t.end_ms = end;
  t.usage.peak_rss = rss;
  return t;
}

bool Match(const std::string& expr, const TaskRecord& t) {
  std::unique_ptr<TaskFilter> f;
  Status st = TaskFilter::Parse(expr, &f);
  EXPECT_TRUE(st.ok()) << expr << ": " << st.message();
  return f && f->Matches(t);
}

std::string ErrorOf(const std::string& expr) {
  std::unique_ptr<TaskFilter> f;
  Status st = TaskFilter::Parse(expr, &f);
  EXPECT_FALSE(st.ok()) << expr;
  EXPECT_EQ(st.exit_code(), 2) << expr;
  return st.message();
}

const int64_t kGB = int64_t{1} << 30;

TEST(TaskFilterTest, ComparesTextSizesAndDurations) {
  TaskRecord big = Task("align (1)", "FAILED", 3 * kGB, 1000, 61000);
  TaskRecord small = Task("count (2)", "COMPLETED", 100 << 20, 1000, 2000);
  EXPECT_TRUE(Match("status == 'FAILED'", big));
  EXPECT_FALSE(Match("status == 'FAILED'", small));
  EXPECT_TRUE(Match("status != \"FAILED\"", small));
  EXPECT_TRUE(Match("peak_rss > 1GB", big));
  EXPECT_FALSE(Match("peak_rss > 1GB", small));
  EXPECT_TRUE(Match("peak_rss <= 100 MB", small));
  EXPECT_TRUE(Match("realtime >= 1m", big));
  EXPECT_FALSE(Match("realtime >= 1m", small));
  EXPECT_TRUE(Match("exit == 1", big));
  EXPECT_TRUE(Match("name =~ '^align'", big));
  EXPECT_FALSE(Match("name =~ '^align'", small));
}

TEST(TaskFilterTest, CombinesWithAndOrNotAndParentheses) {
  TaskRecord big = Task("align (1)", "FAILED", 3 * kGB, 1000, 61000);
  EXPECT_TRUE(Match("status == 'FAILED' && peak_rss > 1GB", big));
  EXPECT_FALSE(Match("status == 'FAILED' && peak_rss > 4GB", big));
  EXPECT_TRUE(Match("peak_rss > 4GB || exit == 1", big));
  EXPECT_TRUE(Match("!(exit == 0)", big));
  EXPECT_TRUE(Match("not exit == 0 and (status == 'X' or peak_rss > 1 GB)", big));
  EXPECT_FALSE(Match("(status == 'X' or exit == 0)", big));
}

TEST(TaskFilterTest, AnUnmeasuredValueSatisfiesNoComparison) {
  TaskRecord cached = Task("count (1)", "CACHED", -1, 0, 0);
  EXPECT_FALSE(Match("peak_rss > 0", cached));
  EXPECT_FALSE(Match("peak_rss < 1GB", cached));
  EXPECT_FALSE(Match("peak_rss != 5", cached));
  EXPECT_FALSE(Match("%cpu >= 0", cached));
  EXPECT_TRUE(Match("!(peak_rss > 0)", cached));
}

TEST(TaskFilterTest, ErrorsSayWhereAndWhatWasExpected) {
  EXPECT_NE(ErrorOf("peak_rs > 1GB").find("column 1: unknown field 'peak_rs'"), std::string::npos);
  EXPECT_NE(ErrorOf("peak_rs > 1GB").find("peak_rss"), std::string::npos);  // the valid names are listed
  EXPECT_NE(ErrorOf("status = 'FAILED'").find("column 8: expected a comparison"), std::string::npos);
  EXPECT_NE(ErrorOf("status == FAILED").find("column 11: status is text: put the value in quotes"), std::string::npos);
  EXPECT_NE(ErrorOf("peak_rss > 'big'").find("column 12: peak_rss is a size"), std::string::npos);
  EXPECT_NE(ErrorOf("peak_rss > lots").find("column 12: 'lots' is not a size"), std::string::npos);
  EXPECT_NE(ErrorOf("status == 'FAILED").find("no closing '"), std::string::npos);
  EXPECT_NE(ErrorOf("(exit == 1").find("expected )"), std::string::npos);
  EXPECT_NE(ErrorOf("exit == 1 exit == 2").find("column 11: expected && or ||"), std::string::npos);
  EXPECT_NE(ErrorOf("name =~ '('").find("not a valid regular expression"), std::string::npos);
  EXPECT_NE(ErrorOf("").find("expected a field name"), std::string::npos);
  EXPECT_NE(ErrorOf(std::string(500, '(')).find("nests too deeply"), std::string::npos);
}

}  // namespace
}  // namespace ferry
