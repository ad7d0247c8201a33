#include "rules/directive_rules.h"

#include <gtest/gtest.h>

namespace ferry::rules {
namespace {

std::string Problem(const std::string& name, const Value& v) {
  const DirectiveSpec* spec = FindDirective(name);
  EXPECT_NE(spec, nullptr) << name;
  std::string problem;
  if (spec && CheckDirectiveValue(*spec, v, &problem)) return "";
  return problem;
}

TEST(DirectiveRules, NamesInHelpOrder) {
  EXPECT_EQ(DirectiveNames(),
            (std::vector<std::string>{"cpus", "memory", "time", "container", "queue", "label", "executor", "array",
                                      "accelerator", "retry", "errorStrategy", "maxForks", "publish", "clusterOptions",
                                      "tag", "disk", "resourceLabels"}));
  EXPECT_EQ(FindDirective("cpu"), nullptr);
  EXPECT_TRUE(IgnoredDirectives().count("cache"));
  EXPECT_FALSE(IgnoredDirectives().count("tag"));  // names tasks (docs/pipelines.md)
  EXPECT_FALSE(IgnoredDirectives().count("cpus"));
}

TEST(DirectiveRules, Counts) {
  EXPECT_EQ(Problem("cpus", Value(4)), "");
  EXPECT_EQ(Problem("cpus", Value(" 4 ")), "");
  EXPECT_EQ(Problem("cpus", Value(0)), "must be a positive whole number, got 0");
  EXPECT_EQ(Problem("cpus", Value("four")), "must be a positive whole number, got 'four'");
  EXPECT_EQ(Problem("cpus", Value(2000000)), "must be at most 1000000, got 2000000");
  EXPECT_EQ(Problem("retry", Value(0)), "");
  EXPECT_EQ(Problem("retry", Value(-1)), "must be a non-negative whole number, got -1");
  EXPECT_EQ(Problem("maxForks", Value(0)), "must be a positive whole number, got 0");
}

TEST(DirectiveRules, AcceleratorZeroTurnsGpusOff) {
  EXPECT_EQ(Problem("accelerator", Value(0)), "");
  EXPECT_EQ(Problem("accelerator", Value(-1)), "must be a non-negative number of GPUs, got -1");
  ValueMap m;
  m.Set("request", Value(1));
  m.Set("type", Value("nvidia-tesla-t4"));
  EXPECT_EQ(Problem("accelerator", Value(m)), "");
  ValueMap typo;
  typo.Set("reqest", Value(1));
  EXPECT_EQ(Problem("accelerator", Value(typo)),
            "has an unknown setting 'reqest' (did you mean 'request'?) (settings: request, limit, type)");
  ValueMap no_request;
  no_request.Set("type", Value("t4"));
  EXPECT_NE(Problem("accelerator", Value(no_request)).find("needs a 'request' count"), std::string::npos);
}

TEST(DirectiveRules, ChoicesOnlyNameWhatExists) {
  EXPECT_EQ(Problem("executor", Value("awsbatch")), "");
  EXPECT_EQ(Problem("executor", Value("slurm")), "");
  EXPECT_EQ(Problem("executor", Value("kubernetes")), "must be one of local, awsbatch, slurm, got 'kubernetes'");
  EXPECT_EQ(Problem("errorStrategy", Value("ignor")),
            "must be one of terminate, finish, ignore, retry, got 'ignor' (did you mean 'ignore'?)");
}

TEST(DirectiveRules, SizesDurationsTextLabels) {
  EXPECT_EQ(Problem("memory", Value("2 GB")), "");
  EXPECT_NE(Problem("memory", Value("0 B")), "");
  EXPECT_NE(Problem("memory", Value("lots")), "");
  EXPECT_EQ(Problem("time", Value("1h 30m")), "");
  EXPECT_NE(Problem("time", Value("soon")), "");
  EXPECT_EQ(Problem("queue", Value(ValueList{Value("a")})), "must be a single text value, not a list");
  EXPECT_EQ(Problem("label", Value(ValueList{Value("a"), Value("b")})), "");
  EXPECT_EQ(Problem("label", Value::EmptyMap()), "must be a name or a list of names");
  EXPECT_EQ(Problem("memory", Value()), "") << "null means unset";
}

TEST(DirectiveRules, WholeNumber) {
  int64_t n = 0;
  EXPECT_TRUE(WholeNumber(Value(3.0), &n));
  EXPECT_EQ(n, 3);
  EXPECT_FALSE(WholeNumber(Value(3.5), &n));
  EXPECT_FALSE(WholeNumber(Value("3x"), &n));
  EXPECT_FALSE(WholeNumber(Value(""), &n));
  EXPECT_FALSE(WholeNumber(Value(true), &n));
}

TEST(DirectiveRules, ResourceLabelsFollowAwsTagRules) {
  ValueMap m;
  m.Set("team", Value("genomics"));
  m.Set("cost centre", Value(42));
  EXPECT_EQ(Problem("resourceLabels", Value(m)), "");
  EXPECT_EQ(Problem("resourceLabels", Value("team")),
            "must be a map of names to values, e.g. {team: genomics}, got 'team'");
  auto one = [](const std::string& k, const Value& v) {
    ValueMap m;
    m.Set(k, v);
    return Problem("resourceLabels", Value(std::move(m)));
  };
  EXPECT_EQ(one("aws:team", Value("x")),
            "has a key 'aws:team' starting with 'aws:', which AWS keeps for its own tags (rename it)");
  EXPECT_EQ(one("AWS:x", Value("x")).substr(0, 18), "has a key 'AWS:x' ");
  EXPECT_EQ(one("ferry-run", Value("x")), "has a key 'ferry-run', which ferry sets on every job itself (rename it)");
  EXPECT_EQ(one(std::string(129, 'k'), Value("x")).substr(0, 31), "has a key of 129 characters, 'k");
  EXPECT_EQ(one("k", Value(std::string(257, 'v'))),
            "has a value of 257 characters for key 'k' (AWS allows tag values of at most 256)");
  EXPECT_EQ(one(std::string(128, 'k'), Value(std::string(256, 'v'))), "");
  EXPECT_EQ(one("team#1", Value("x")).substr(0, 34), "has a key 'team#1' with '#' in it ");
  EXPECT_EQ(one("\xc3\xa9quipe", Value("g\xc3\xa9nomique")), "");  // letters of any script
  ValueMap many;
  for (int i = 0; i < 48; i++) many.Set("k" + std::to_string(i), Value("v"));
  EXPECT_EQ(Problem("resourceLabels", Value(many)),
            "has 48 labels; AWS allows 50 tags a job and ferry sets 3 itself, so at most 47");
  EXPECT_EQ(Problem("disk", Value("100 GB")), "");
}

}  // namespace
}  // namespace ferry::rules
