// Work dir assignment per executor: tasks on awsbatch get s3:// work dirs,
// the others local ones, and local tasks downstream of S3 tasks stage s3://
// sources under the same names templates see.
#include <gtest/gtest.h>

#include "config/config_testing.h"
#include "engine/engine_testing.h"
#include "engine/expander.h"
#include "engine/work_store.h"
#include "pipeline/test_support.h"

namespace ferry {
namespace {

// split: two tasks labelled bigTask (awsbatch in kHybridConfig); merge: one local task after them.
const std::string kPipeline = engine_testing::SplitMergePipeline(2, "    label: bigTask\n");

const char kHybridConfig[] = R"(
aws { region = 'eu-west-1'
  batch { cliPath = '/home/ec2-user/miniconda/bin/aws' } }
process {
  withLabel: bigTask {
    executor = 'awsbatch'
    queue = 'my-batch-queue'
    container = 'my/image:tag'
  }
}
)";

Status ExpandWith(const std::string& s3_root, TaskGraph* graph, PipelineSpec* spec, Config* config) {
  FERRY_RETURN_IF_ERROR(LoadPipelineText(kPipeline, "pipeline.yml", spec));
  FERRY_RETURN_IF_ERROR(config_testing::LoadFrom(kHybridConfig, config));
  static testing::FakeHost host;
  ExpandOptions o;
  o.launch_dir = "/base";
  o.work_root = "/base/work";
  o.s3_work_root = s3_root;
  o.params = Value::EmptyMap();
  o.config = config;
  Expander ex(*spec, o, &host);
  return ex.Expand(graph);
}

TEST(ExpanderS3, LabelledTasksGetS3WorkDirsOthersLocal) {
  TaskGraph g;
  PipelineSpec spec;
  Config config;
  Status st = ExpandWith("s3://bucket/work", &g, &spec, &config);
  ASSERT_TRUE(st.ok()) << st.message();
  int on_s3 = 0;
  const Task* merge = nullptr;
  for (const auto& t : g.tasks) {
    if (t.spec->name == "split") {
      EXPECT_EQ(t.directives.executor, "awsbatch");
      EXPECT_EQ(t.work_dir, "s3://bucket/work/" + t.hash.substr(0, 2) + "/" + t.hash.substr(2));
      ++on_s3;
    } else {
      merge = &t;
    }
  }
  EXPECT_GE(on_s3, 2);
  ASSERT_NE(merge, nullptr);
  EXPECT_EQ(merge->directives.executor, "local");
  EXPECT_EQ(merge->work_dir, "/base/work/" + merge->hash.substr(0, 2) + "/" + merge->hash.substr(2));
  // The local task reads the S3 tasks' outputs: s3:// sources, staged under
  // plain names, and it waits for every split task.
  ASSERT_EQ(merge->staged.size(), static_cast<size_t>(on_s3));
  for (const auto& in : merge->staged) {
    EXPECT_TRUE(IsS3Path(in.source)) << in.source;
    EXPECT_NE(in.source.find("s3://bucket/work/"), std::string::npos) << in.source;
    EXPECT_EQ(in.source.substr(in.source.size() - in.name.size()), in.name);
    EXPECT_EQ(in.name.find('/'), std::string::npos) << in.name;
  }
  EXPECT_EQ(merge->deps.size(), static_cast<size_t>(on_s3));
  EXPECT_TRUE(HasS3Inputs(*merge));
  EXPECT_NE(merge->script.find("part1.txt"), std::string::npos) << merge->script;
  EXPECT_EQ(merge->script.find("s3://"), std::string::npos) << merge->script;
}

TEST(ExpanderS3, IdentitiesAreStableAcrossExpansions) {
  TaskGraph a, b;
  PipelineSpec sa, sb;
  Config ca, cb;
  ASSERT_TRUE(ExpandWith("s3://bucket/work", &a, &sa, &ca).ok());
  ASSERT_TRUE(ExpandWith("s3://bucket/work", &b, &sb, &cb).ok());
  // Same inputs, same identities: -resume can find them again.
  ASSERT_EQ(a.tasks.size(), b.tasks.size());
  for (size_t i = 0; i < a.tasks.size(); ++i) EXPECT_EQ(a.tasks[i].hash, b.tasks[i].hash);
}

TEST(ExpanderS3, AwsbatchWithoutS3RootIsAnInputError) {
  TaskGraph g;
  PipelineSpec spec;
  Config config;
  Status st = ExpandWith("", &g, &spec, &config);
  ASSERT_EQ(st.exit_code(), 2);
  EXPECT_NE(st.message().find("runs on the awsbatch executor, whose work dir must be on S3"), std::string::npos)
      << st.message();
  EXPECT_NE(st.message().find("-bucket-dir s3://BUCKET/PATH"), std::string::npos);
  EXPECT_NE(st.message().find("workDir = 's3://BUCKET/PATH'"), std::string::npos);
}

TEST(ExpanderS3, ExecutorNameSetsTheDefaultExecutor) {
  PipelineSpec spec;
  Config config;
  ASSERT_TRUE(LoadPipelineText(kPipeline, "pipeline.yml", &spec).ok());
  ASSERT_TRUE(config_testing::LoadFrom("executor { name = 'awsbatch' }", &config).ok());
  testing::FakeHost host;
  ExpandOptions o;
  o.launch_dir = "/base";
  o.work_root = "/base/work";
  o.s3_work_root = "s3://b/w";
  o.params = Value::EmptyMap();
  o.config = &config;
  Expander ex(spec, o, &host);
  TaskGraph g;
  ASSERT_TRUE(ex.Expand(&g).ok());
  for (const auto& t : g.tasks) {
    EXPECT_EQ(t.directives.executor, "awsbatch") << t.display;
    EXPECT_TRUE(IsS3Path(t.work_dir)) << t.work_dir;
  }
}

TEST(WorkPath, S3AndLocal) {
  EXPECT_EQ(WorkPath("s3://b/work/ab/cd", "out/x.txt"), "s3://b/work/ab/cd/out/x.txt");
  EXPECT_EQ(WorkPath("s3://b/work/ab/cd/", "./x.txt"), "s3://b/work/ab/cd/x.txt");
  EXPECT_EQ(WorkPath("/w/ab/cd", "x.txt"), "/w/ab/cd/x.txt");
  EXPECT_TRUE(IsS3Path("S3://b/k"));
  EXPECT_FALSE(IsS3Path("/s3://b"));
}

}  // namespace
}  // namespace ferry
