#include "engine/directives.h"

#include <gtest/gtest.h>

namespace ferry {
namespace {

Status From(const char* name, Value v, Directives* d) {
  ValueMap m;
  m.Set(name, std::move(v));
  return DirectivesFromValues(
      m, [] { return std::string("p.yml:3:5: task 'a'"); }, d);
}

// The engine checks evaluated values by the rules the pipeline loader and
// the config apply to constants (rules/directive_rules.h).
TEST(EngineDirectives, AgreeWithPipelineAndConfig) {
  Directives d;
  Status st = From("maxForks", Value(0), &d);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "p.yml:3:5: task 'a': maxForks must be a positive whole number, got 0");
  st = From("executor", Value("kubernetes"), &d);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "p.yml:3:5: task 'a': executor must be one of local, awsbatch, slurm, got 'kubernetes'");
  d.accelerator = 3;
  ASSERT_TRUE(From("accelerator", Value(0), &d).ok());
  EXPECT_EQ(d.accelerator, 0);
}

TEST(EngineDirectives, EvaluatedTextConverts) {
  Directives d;
  ASSERT_TRUE(From("cpus", Value(" 4 "), &d).ok());
  EXPECT_EQ(d.cpus, 4);
  ASSERT_TRUE(From("memory", Value("1.5 GB"), &d).ok());
  EXPECT_EQ(d.memory_bytes, int64_t{3} << 29);
  ASSERT_TRUE(From("time", Value("1m 30s"), &d).ok());
  EXPECT_EQ(d.time_ms, 90000);
  ValueMap acc;
  acc.Set("request", Value("2"));
  acc.Set("type", Value("t4"));
  ASSERT_TRUE(From("accelerator", Value(acc), &d).ok());
  EXPECT_EQ(d.accelerator, 2);
  ASSERT_TRUE(From("label", Value(ValueList{Value("a"), Value("b")}), &d).ok());
  EXPECT_EQ(d.labels, (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(From("memory", Value("lots"), &d).ok());
  EXPECT_FALSE(From("cpus", Value(0), &d).ok());
}

TEST(EngineDirectives, RetryAloneMeansRetryStrategy) {
  Directives d;
  ASSERT_TRUE(From("retry", Value(2), &d).ok());
  EXPECT_EQ(d.error_strategy, ErrorStrategy::kRetry);
  EXPECT_EQ(d.retry, 2);
  Directives e;
  ASSERT_TRUE(From("errorStrategy", Value("retry"), &e).ok());
  EXPECT_EQ(e.retry, 1);
}

}  // namespace
}  // namespace ferry
