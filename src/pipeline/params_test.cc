#include "pipeline/params.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace ferry {
namespace {

Value Known() {
  ValueMap aws;
  aws.Set("region", Value("us-east-1"));
  ValueMap m;
  m.Set("samples", Value("data/*.txt"));
  m.Set("outdir", Value("results"));
  m.Set("n", Value(int64_t{1}));
  m.Set("aws", Value(aws));
  return Value(m);
}

TEST(ParamsTest, CliOverridesAreTyped) {
  Value out;
  Status st = ApplyParamOverrides(
      {}, Known(), "", {{"samples", "other/*.txt"}, {"n", "12"}, {"outdir", "1.5"}, {"--aws.region", "eu-west-1"}},
      &out);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(out.ToJson(), R"({"samples": "other/*.txt", "outdir": 1.5, "n": 12, "aws": {"region": "eu-west-1"}})");
  EXPECT_EQ(ParseParamValue("true"), Value(true));
  EXPECT_EQ(ParseParamValue("false"), Value(false));
  EXPECT_EQ(ParseParamValue("-3"), Value(int64_t{-3}));
  EXPECT_EQ(ParseParamValue("1.2.3"), Value("1.2.3"));
  EXPECT_EQ(ParseParamValue("007x"), Value("007x"));
  EXPECT_EQ(ParseParamValue(""), Value(""));
}

TEST(ParamsTest, UnknownOverrideSuggestsName) {
  Value out;
  Status st = ApplyParamOverrides({}, Known(), "", {{"smaples", "x"}}, &out);
  EXPECT_EQ(st.kind(), Status::Kind::kInvalidInput);
  EXPECT_EQ(st.message().rfind("unknown parameter '--smaples'", 0), 0u) << st.message();
  EXPECT_NE(st.message().find("did you mean 'samples'?"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("known params: samples, outdir, n, aws"), std::string::npos) << st.message();
  st = ApplyParamOverrides({}, Known(), "", {{"outdir.x", "1"}}, &out);
  EXPECT_NE(st.message().find("'outdir' is a string, not a map"), std::string::npos) << st.message();
}

TEST(ParamsTest, BareNameSetsTrueOnlyForABooleanParam) {
  Value known = Known();
  known.MutableMap().Set("dry", Value(false));
  Value out;
  Status st = ApplyParamOverrides({}, known, "", {{"dry", std::nullopt}}, &out);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(*out.Find("dry"), Value(true));

  // Once this became the string "true" and the pipeline globbed for a file
  // called true.
  st = ApplyParamOverrides({}, known, "", {{"samples", std::nullopt}}, &out);
  EXPECT_EQ(st.kind(), Status::Kind::kInvalidInput);
  EXPECT_EQ(st.message(),
            "parameter '--samples' was given without a value, and its default is the string \"data/*.txt\", so it "
            "needs one: write --samples VALUE (or --samples=VALUE when the value starts with '-'); only a true/false "
            "param may stand alone");
  st = ApplyParamOverrides({}, known, "", {{"n", std::nullopt}}, &out);
  EXPECT_NE(st.message().find("its default is the integer 1, so it needs one"), std::string::npos) << st.message();
  st = ApplyParamOverrides({}, known, "", {{"aws", std::nullopt}}, &out);
  EXPECT_NE(st.message().find("its default is a map"), std::string::npos) << st.message();
  st = ApplyParamOverrides({}, known, "", {{"aws.profile", std::nullopt}}, &out);
  EXPECT_NE(st.message().find("'--aws.profile' was given without a value, and it has no default"), std::string::npos)
      << st.message();
}

TEST(ParamsTest, ParamsFileYamlAndJson) {
  auto dir = std::filesystem::temp_directory_path() / ("ferry_params_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "p.yml") << "samples: 'x/*.fq'\naws:\n  profile: dev\n";
  std::ofstream(dir / "extra.yml") << "samples: 'x/*.fq'\nsampels: 3\n";
  std::ofstream(dir / "p.json") << R"({"n": 5, "outdir": "out"})";
  std::ofstream(dir / "bad.yml") << "a: [1\n";
  std::ofstream(dir / "list.yml") << "- 1\n";
  Value out;
  Status st = ApplyParamOverrides({}, Known(), (dir / "p.yml").string(), {{"n", "4"}}, &out);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(out.ToJson(),
            R"({"samples": "x/*.fq", "outdir": "results", "n": 4, "aws": {"region": "us-east-1", "profile": "dev"}})");
  // A key the pipeline does not declare is a typo as much as --sampels is.
  st = ApplyParamOverrides({}, Known(), (dir / "extra.yml").string(), {}, &out);
  EXPECT_EQ(st.message().rfind((dir / "extra.yml").string() + ":2:1: unknown param 'sampels' in the params file", 0),
            0u)
      << st.message();
  EXPECT_NE(st.message().find("did you mean 'samples'?"), std::string::npos) << st.message();
  st = ApplyParamOverrides({}, Known(), (dir / "p.json").string(), {{"n", "6"}}, &out);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(out.Find("n")->as_int(), 6);  // the command line wins over the file
  EXPECT_EQ(out.Find("outdir")->as_string(), "out");
  st = ApplyParamOverrides({}, Known(), (dir / "bad.yml").string(), {}, &out);
  EXPECT_EQ(st.message().rfind((dir / "bad.yml").string() + ":1:4: YAML syntax error: this '[' is never closed", 0), 0u)
      << st.message();
  st = ApplyParamOverrides({}, Known(), (dir / "list.yml").string(), {}, &out);
  EXPECT_NE(st.message().find("must hold a map"), std::string::npos) << st.message();
  st = ApplyParamOverrides({}, Known(), (dir / "none.yml").string(), {}, &out);
  EXPECT_NE(st.message().find("cannot read params file"), std::string::npos) << st.message();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ferry
