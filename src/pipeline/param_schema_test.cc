#include "pipeline/param_schema.h"

#include <gtest/gtest.h>

#include "pipeline/params.h"
#include "pipeline/pipeline.h"

namespace ferry {
namespace {

Status Load(const std::string& params, PipelineSpec* spec) {
  return LoadPipelineText("params:\n" + params + "tasks:\n  t:\n    script: echo hi\n", "p.yml", spec);
}

std::string LoadError(const std::string& params) {
  PipelineSpec spec;
  Status st = Load(params, &spec);
  EXPECT_FALSE(st.ok()) << params;
  return st.message();
}

TEST(ParamSchemaTest, PlainValuesStayDefaultsAndDescriptionsAreRead) {
  PipelineSpec spec;
  Status st = Load(
      "  reads: 'data/*.fq'\n"
      "  genome: {fasta: g.fa, gtf: g.gtf}\n"
      "  threads:\n    type: integer\n    default: 4\n    help: threads per task\n"
      "  outdir: {type: path, required: true, help: where results go}\n"
      "  qc: {default: false, help: run the QC steps}\n"
      "  cfg: {type: map, default: {help: x}}\n",
      &spec);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(spec.params.ToJson(),
            R"({"reads": "data/*.fq", "genome": {"fasta": "g.fa", "gtf": "g.gtf"}, "threads": 4, "outdir": null, )"
            R"("qc": false, "cfg": {"help": "x"}})");
  ASSERT_EQ(spec.param_specs.size(), 6u);
  EXPECT_EQ(spec.param_specs[0].type, ParamType::kAny);  // plain: never checked
  EXPECT_EQ(spec.param_specs[1].type, ParamType::kAny);  // a map default is still a default
  EXPECT_EQ(spec.param_specs[2].type, ParamType::kInteger);
  EXPECT_EQ(spec.param_specs[2].help, "threads per task");
  EXPECT_TRUE(spec.param_specs[3].required);
  EXPECT_EQ(spec.param_specs[4].type, ParamType::kBoolean);  // from its default
  EXPECT_EQ(spec.param_specs[5].type, ParamType::kMap);
  EXPECT_EQ(spec.param_specs[2].loc.ToString(), "p.yml:4:3");
}

TEST(ParamSchemaTest, MistakesInDescriptionsHaveLocations) {
  EXPECT_EQ(LoadError("  n: {type: integr}\n"),
            "p.yml:2:13: unknown type 'integr' for param 'n' (did you mean 'integer'?); a type is one of string, "
            "integer, number, boolean, path, list, map");
  EXPECT_NE(LoadError("  n: {type: int}\n").find("(did you mean 'integer'?)"), std::string::npos);
  EXPECT_NE(LoadError("  n: {type: file}\n").find("(ferry's names: string, integer"), std::string::npos);
  EXPECT_EQ(LoadError("  n: {type: integer, default: many}\n"),
            "p.yml:2:31: the default of param 'n' must be an integer (a whole number such as 8) (its type is "
            "integer), got the string \"many\"");
  EXPECT_EQ(LoadError("  n: {type: integer, hepl: x}\n"),
            "p.yml:2:22: unknown key 'hepl' in the description of param 'n' (did you mean 'help'?); a param is "
            "described with type, default, help and required");
  // No type, but a typo next to a description key: not a map default.
  EXPECT_NE(LoadError("  n: {defualt: 3, help: x}\n").find("p.yml:2:7: unknown key 'defualt'"), std::string::npos);
  EXPECT_NE(LoadError("  n: {type: string, required: maybe}\n").find("p.yml:2:31: required of param 'n' must be true"),
            std::string::npos);
  EXPECT_NE(LoadError("  n: {type: string, help: [a]}\n").find("p.yml:2:27: help of param 'n' must be text"),
            std::string::npos);
  EXPECT_NE(LoadError("  n: {type: string, default: x, required: true}\n")
                .find("p.yml:2:33: param 'n' is required and has a default"),
            std::string::npos);
  EXPECT_NE(LoadError("  n: {type: path, default: ''}\n").find("must be a path (a non-empty string)"),
            std::string::npos);
}

TEST(ParamSchemaTest, ValuesAreCheckedAgainstTypes) {
  ParamSpec n{"n", ParamType::kInteger, Value(int64_t{1}), "", false, {}};
  EXPECT_TRUE(CheckParamValue(n, Value(int64_t{3}), "x").ok());
  EXPECT_TRUE(CheckParamValue(n, Value(), "x").ok());  // not given
  EXPECT_EQ(CheckParamValue(n, Value(1.5), "params.yml:2:4").message(),
            "params.yml:2:4: param 'n' must be an integer (a whole number such as 8), got the number 1.5");
  ParamSpec x{"x", ParamType::kNumber, Value(), "", false, {}};
  EXPECT_TRUE(CheckParamValue(x, Value(int64_t{3}), "w").ok());  // an integer is a number
  ParamSpec s{"s", ParamType::kString, Value(), "", false, {}};
  EXPECT_NE(CheckParamValue(s, Value(int64_t{3}), "w").message().find("quote it in YAML"), std::string::npos);
}

TEST(ParamSchemaTest, CommandLineTextFollowsTheType) {
  Value v;
  ParamSpec version{"version", ParamType::kString, Value(), "", false, {}};
  ASSERT_TRUE(ParamValueFromText(version, "1.10", &v).ok());
  EXPECT_EQ(v, Value("1.10"));  // not the number 1.1
  ParamSpec n{"n", ParamType::kInteger, Value(), "", false, {}};
  ASSERT_TRUE(ParamValueFromText(n, "12", &v).ok());
  EXPECT_EQ(v, Value(int64_t{12}));
  EXPECT_EQ(ParamValueFromText(n, "twelve", &v).message(),
            "--n on the command line: param 'n' must be an integer (a whole number such as 8), got 'twelve'");
  ParamSpec flag{"flag", ParamType::kBoolean, Value(), "", false, {}};
  EXPECT_NE(ParamValueFromText(flag, "yes", &v).message().find("must be true or false"), std::string::npos);
  ParamSpec ids{"ids", ParamType::kList, Value(), "", false, {}};
  ASSERT_TRUE(ParamValueFromText(ids, "[1, b]", &v).ok());
  EXPECT_EQ(v.ToJson(), R"([1, "b"])");
  EXPECT_NE(ParamValueFromText(ids, "1", &v).message().find("must be a list"), std::string::npos);
}

TEST(ParamSchemaTest, OverridesAreCheckedAndRequiredParamsNeedAValue) {
  PipelineSpec spec;
  ASSERT_TRUE(Load("  n: {type: integer, default: 1}\n  out: {type: path, required: true}\n"
                   "  dry: {type: boolean}\n",
                   &spec)
                  .ok());
  Value out;
  Status st = ApplyParamOverrides(spec.param_specs, spec.params, "", {{"n", "x"}, {"out", "o"}}, &out);
  EXPECT_EQ(st.kind(), Status::Kind::kInvalidInput);
  EXPECT_NE(st.message().find("--n on the command line: param 'n' must be an integer"), std::string::npos);
  st = ApplyParamOverrides(spec.param_specs, spec.params, "", {{"n", "2"}}, &out);
  EXPECT_EQ(st.message(),
            "p.yml:3:3: param 'out' is required and has no value: give it with --out VALUE, in a -params-file, or "
            "as params.out in ferry.config");
  // A boolean param without a default still takes a bare --dry.
  st = ApplyParamOverrides(spec.param_specs, spec.params, "", {{"out", "o"}, {"dry", std::nullopt}}, &out);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(out.ToJson(), R"({"n": 1, "out": "o", "dry": true})");
}

TEST(ParamSchemaTest, HelpListsEveryParam) {
  PipelineSpec spec;
  ASSERT_TRUE(Load("  reads: 'data/*.fq'\n  threads: {type: integer, default: 4, help: threads per task}\n"
                   "  outdir: {type: path, required: true, help: where results go}\n",
                   &spec)
                  .ok());
  EXPECT_EQ(ParamsHelpText(spec.param_specs, "p.yml"),
            "\nparams of p.yml (--name VALUE, or name: value in a -params-file):\n"
            "  --reads            [default: \"data/*.fq\"]\n"
            "  --threads INTEGER  threads per task [default: 4]\n"
            "  --outdir PATH      where results go [required]\n");
}

}  // namespace
}  // namespace ferry
