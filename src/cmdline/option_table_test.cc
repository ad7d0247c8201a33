#include "cmdline/option_table.h"

#include <gtest/gtest.h>

namespace ferry::cmdline {
namespace {

bool NotYaml(const std::string& w) { return w.find(".yml") == std::string::npos; }

Command RunLike() {
  Command c;
  c.path = "run";
  c.options = {Flag("-resume", "reuse"), Value("-c", "FILE", "config").Alias("-config").Kind(ValueKind::kFile),
               Value("-ansi-log", "true|false", "display").Choices({"true", "false"}),
               OptionalValue("-with-trace", "FILE", "trace", NotYaml)};
  c.required_positionals = 1;
  c.strict_values = true;
  c.pipeline_params = true;
  c.unknown_hint = "pipeline params take two dashes, e.g. --{} value";
  return c;
}

Command BuildLike() {
  Command c;
  c.path = "build";
  c.options = {Flag("--local", "here"), Value("--exec", "CMD", "command"), Value("--download", "GLOB", "results")};
  c.passthrough = true;
  return c;
}

// Hits point into the table, so the tables outlive every Parsed.
const Command kRun = RunLike();
const Command kBuild = BuildLike();

TEST(OptionTable, FlagsValuesAliasesAndPositionalsInOrder) {
  Parsed p;
  ASSERT_TRUE(Parse(kRun, {"-resume", "pipe.yml", "-config", "a.config", "-c", "b.config"}, &p).ok());
  EXPECT_TRUE(p.Has("-resume"));
  EXPECT_EQ(p.All("-c"), (std::vector<std::string>{"a.config", "b.config"}));
  EXPECT_EQ(p.options[1].spelled, "-config");
  EXPECT_EQ(p.positional, (std::vector<std::string>{"pipe.yml"}));
}

TEST(OptionTable, PipelineParamsTakeValuesInlineNextOrNone) {
  Parsed p;
  ASSERT_TRUE(Parse(kRun, {".", "--a=1", "--b", "2", "--flag", "-resume", "--empty=", "--last"}, &p).ok());
  std::vector<std::pair<std::string, std::optional<std::string>>> want = {
      {"a", "1"}, {"b", "2"}, {"flag", std::nullopt}, {"empty", ""}, {"last", std::nullopt}};
  EXPECT_EQ(p.params, want);
  EXPECT_TRUE(p.Has("-resume"));
}

TEST(OptionTable, StrictValuesRefuseAnOptionAsValue) {
  Parsed p;
  Status s = Parse(kRun, {".", "-c", "-resume"}, &p);
  EXPECT_EQ(s.message(), "option -c needs a value (see: ferry run --help)");
  EXPECT_EQ(Parse(kRun, {".", "-c"}, &p).message(), "option -c needs a value (see: ferry run --help)");
}

TEST(OptionTable, ChoicesAreChecked) {
  Parsed p;
  EXPECT_EQ(Parse(kRun, {".", "-ansi-log", "maybe"}, &p).message(), "-ansi-log takes true or false, got 'maybe'");
  Parsed q;
  ASSERT_TRUE(Parse(kRun, {".", "-ansi-log", "false"}, &q).ok());
  EXPECT_EQ(q.All("-ansi-log"), std::vector<std::string>{"false"});
}

TEST(OptionTable, OptionalValueLeavesTheRequiredPositionalAndRefusedWords) {
  Parsed last;
  ASSERT_TRUE(Parse(kRun, {"-with-trace", "pipe"}, &last).ok());
  EXPECT_EQ(last.All("-with-trace"), std::vector<std::string>{""});
  EXPECT_EQ(last.positional, std::vector<std::string>{"pipe"});
  Parsed yml;
  ASSERT_TRUE(Parse(kRun, {"-with-trace", "p.yml", "-resume"}, &yml).ok());
  EXPECT_EQ(yml.positional, std::vector<std::string>{"p.yml"});
  Parsed taken;
  ASSERT_TRUE(Parse(kRun, {"p.yml", "-with-trace", "t.tsv"}, &taken).ok());
  EXPECT_EQ(taken.All("-with-trace"), std::vector<std::string>{"t.tsv"});
}

TEST(OptionTable, UnknownOptionNamesItSuggestsAndPointsToHelp) {
  Parsed p;
  Status s = Parse(kRun, {".", "-resum"}, &p);
  EXPECT_EQ(s.kind(), Status::Kind::kInvalidInput);
  EXPECT_EQ(s.message(),
            "unknown option '-resum' for ferry run (did you mean '-resume'?) (pipeline params take two dashes, e.g. "
            "--resum value; see: ferry run --help)");
}

TEST(OptionTable, HelpAnywhereWinsOverErrors) {
  for (const char* h : {"-h", "-help", "--help"}) {
    Parsed p;
    EXPECT_TRUE(Parse(kRun, {"-bogus", h, "-c"}, &p).ok()) << h;
    EXPECT_TRUE(p.help) << h;
  }
}

TEST(OptionTable, AnOptionsValueIsNotAHelpRequest) {
  Parsed p;
  ASSERT_TRUE(Parse(kBuild, {"--download", "-h", "dir"}, &p).ok());
  EXPECT_FALSE(p.help);
  EXPECT_EQ(p.All("--download"), std::vector<std::string>{"-h"});
  // ferry run's values never look like options, so there -c --help is help.
  Parsed q;
  ASSERT_TRUE(Parse(kRun, {"-c", "--help"}, &q).ok());
  EXPECT_TRUE(q.help);
}

TEST(OptionTable, PassthroughAfterDoubleDashIsNotParsed) {
  Parsed p;
  ASSERT_TRUE(Parse(kBuild, {"--exec=make -j", "dir", "--", "--help", "-x"}, &p).ok());
  EXPECT_FALSE(p.help);
  EXPECT_EQ(p.All("--exec"), std::vector<std::string>{"make -j"});
  EXPECT_EQ(p.passthrough, (std::vector<std::string>{"--help", "-x"}));
  Parsed flag;
  EXPECT_EQ(Parse(kBuild, {"--local=yes"}, &flag).message(), "option --local takes no value (see: ferry build --help)");
}

TEST(OptionTable, NonStrictValuesMayStartWithADash) {
  Parsed p;
  ASSERT_TRUE(Parse(kBuild, {"--download", "-x*", "dir"}, &p).ok());
  EXPECT_EQ(p.All("--download"), std::vector<std::string>{"-x*"});
}

Command S3Like() {
  Command s3;
  s3.path = "s3";
  s3.options = {Value("--region", "R", "region")};
  Command cp;
  cp.path = "s3 cp";
  cp.options = {Value("--region", "R", "region"), Flag("--recursive", "all")};
  Command ls;
  ls.path = "s3 ls";
  s3.subcommands = {cp, ls};
  return s3;
}

const Command kS3 = S3Like();

TEST(OptionTable, SubcommandMayFollowOptionsAndTheirValues) {
  const Command* sub = nullptr;
  std::vector<std::string> rest;
  ASSERT_TRUE(FindSubcommand(kS3, {"--region", "ls", "cp", "a", "b"}, &sub, &rest).ok());
  ASSERT_NE(sub, nullptr);
  EXPECT_EQ(sub->path, "s3 cp");
  EXPECT_EQ(rest, (std::vector<std::string>{"--region", "ls", "a", "b"}));
  size_t at = 0;
  ASSERT_TRUE(FindSubcommand(kS3, {"--recursive", "ls"}, &sub, &rest, &at).ok());
  EXPECT_EQ(at, 1u);
  EXPECT_EQ(FindSubcommand(kS3, {"cpp"}, &sub, &rest).message(),
            "unknown command 'cpp' for ferry s3 (did you mean 'cp'?); expected one of cp, ls (see: ferry s3 --help)");
  ASSERT_TRUE(FindSubcommand(kS3, {"--recursive"}, &sub, &rest).ok());
  EXPECT_EQ(sub, nullptr);
}

TEST(OptionTable, FindCommandWalksThePath) {
  Command root;
  root.subcommands = {S3Like()};
  const Command* c = nullptr;
  ASSERT_TRUE(FindCommand(root, {"s3", "ls"}, &c).ok());
  EXPECT_EQ(c->path, "s3 ls");
  Status s = FindCommand(root, {"s3", "lss"}, &c);
  EXPECT_NE(s.message().find("unknown command 's3 lss' (did you mean 'ls'?)"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace ferry::cmdline
