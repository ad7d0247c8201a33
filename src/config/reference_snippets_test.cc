// Every config snippet of the first reference document must be accepted by
// ferry verbatim and yield the settings it describes. The snippets live in
// testdata/reference/ (closing-brace lines restored; see the files' headers);
// the document's own snippet text is kept beside them in
// document_snippets.txt, so the check needs nothing outside the repository.
#include <gtest/gtest.h>

#include <algorithm>

#include "config/config.h"
#include "config/config_testing.h"
#include "util/text.h"

namespace ferry {
namespace {

using config_testing::ReadTestdata;
using config_testing::TestdataPath;

Config LoadSnippet(const std::string& name) {
  Config c;
  ConfigLoadOptions opts;
  opts.files = {TestdataPath("reference/" + name)};
  Status s = Config::Load(opts, &c);
  EXPECT_TRUE(s.ok()) << name << ": " << s.message();
  return c;
}

std::string Str(const Config& c, const char* path) {
  const Value* v = c.Get(path);
  return v && v->is_string() ? v->as_string() : std::string("<missing ") + path + ">";
}

TEST(ReferenceSnippets, AreCopiedVerbatimFromTheDocument) {
  std::vector<std::string> doc_lines = Split(ReadTestdata("reference/document_snippets.txt"), '\n');
  ASSERT_GT(doc_lines.size(), 30u) << "reference/document_snippets.txt is missing or cut short";
  for (const char* f : {"1_awsbatch.config", "2_clipath.config", "3_job_definition.config", "4_hybrid.config",
                        "5_volume.config", "6_volumes_list.config"}) {
    int checked = 0;
    for (const auto& line : Split(ReadTestdata(std::string("reference/") + f), '\n')) {
      std::string t(Trim(line));
      // Our header comments and the restored closing braces are not in the text.
      if (t.empty() || t == "}" || (StartsWith(t, "// ") && !StartsWith(t, "// NOTE"))) continue;
      bool found = std::find(doc_lines.begin(), doc_lines.end(), line) != doc_lines.end();
      EXPECT_TRUE(found) << f << ": line not in the document: [" << line << "]";
      ++checked;
    }
    EXPECT_GT(checked, 0) << f;
  }
}

TEST(ReferenceSnippets, BatchExecutorWithPluginQueueAndCliPath) {
  Config c = LoadSnippet("1_awsbatch.config");
  EXPECT_EQ(Str(c, "process.executor"), "awsbatch");
  EXPECT_EQ(Str(c, "process.queue"), "my-batch-queue");
  EXPECT_EQ(Str(c, "process.container"), "");
  EXPECT_EQ(Str(c, "aws.batch.cliPath"), "/home/ec2-user/miniconda/bin/aws");
  EXPECT_EQ(Str(c, "aws.region"), "us-east-1");
  ASSERT_NE(c.Get("plugins"), nullptr);
  EXPECT_EQ(*c.Get("plugins"), Value(ValueList{Value("nf-amazon")}));
  ValueMap defaults = c.ProcessDefaults();
  ASSERT_NE(defaults.Find("executor"), nullptr);
  EXPECT_EQ(defaults.Find("executor")->as_string(), "awsbatch");
  EXPECT_TRUE(c.warnings().empty()) << Join(c.warnings(), "\n");
}

TEST(ReferenceSnippets, DottedCliPath) {
  Config c = LoadSnippet("2_clipath.config");
  EXPECT_EQ(Str(c, "aws.batch.cliPath"), "/home/ec2-user/miniconda/bin/aws");
  EXPECT_TRUE(c.warnings().empty());
}

TEST(ReferenceSnippets, JobDefinitionContainer) {
  Config c = LoadSnippet("3_job_definition.config");
  EXPECT_EQ(Str(c, "process.container"), "job-definition://your-job-definition-name");
}

TEST(ReferenceSnippets, HybridWorkloadOnlyBigTaskGoesToBatch) {
  Config c = LoadSnippet("4_hybrid.config");
  EXPECT_EQ(Str(c, "aws.region"), "eu-west-1");
  EXPECT_EQ(Str(c, "aws.batch.cliPath"), "/home/ec2-user/miniconda/bin/aws");
  // The generic process scope stays empty: tasks without the label run locally.
  EXPECT_EQ(c.ProcessDefaults().Find("executor"), nullptr);
  EXPECT_EQ(c.Get("process.withLabel"), nullptr);

  ValueMap big = c.ProcessOverrides("align", {"bigTask"});
  ASSERT_NE(big.Find("executor"), nullptr);
  EXPECT_EQ(big.Find("executor")->as_string(), "awsbatch");
  EXPECT_EQ(big.Find("queue")->as_string(), "my-batch-queue");
  EXPECT_EQ(big.Find("container")->as_string(), "my/image:tag");

  EXPECT_TRUE(c.ProcessOverrides("align", {"small"}).empty());
  EXPECT_TRUE(c.ProcessOverrides("bigTask", {}).empty()) << "withLabel must not match task names";
}

TEST(ReferenceSnippets, SingleVolumeAsString) {
  Config c = LoadSnippet("5_volume.config");
  EXPECT_EQ(Str(c, "aws.region"), "eu-west-1");
  EXPECT_EQ(*c.Get("aws.batch.volumes"), Value("/tmp"));
}

TEST(ReferenceSnippets, VolumesAsList) {
  Config c = LoadSnippet("6_volumes_list.config");
  EXPECT_EQ(*c.Get("aws.batch.volumes"), Value(ValueList{Value("/tmp"), Value("/host/path:/mnt/path:ro")}));
}

TEST(ReferenceSnippets, AllSnippetsTogetherLaterFileWins) {
  Config c;
  ConfigLoadOptions opts;
  for (const char* f : {"1_awsbatch.config", "2_clipath.config", "3_job_definition.config", "4_hybrid.config",
                        "5_volume.config", "6_volumes_list.config"})
    opts.files.push_back(TestdataPath(std::string("reference/") + f));
  Status s = Config::Load(opts, &c);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(Str(c, "aws.region"), "eu-west-1");  // 4_hybrid and later override 1_awsbatch
  EXPECT_EQ(Str(c, "process.container"), "job-definition://your-job-definition-name");
  EXPECT_EQ(Str(c, "process.executor"), "awsbatch");
  EXPECT_TRUE(c.Get("aws.batch.volumes")->is_list());
}

}  // namespace
}  // namespace ferry
