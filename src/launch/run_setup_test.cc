#include "launch/run_setup.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "config/config_testing.h"

namespace ferry {
namespace {

Config Load(const std::string& text) {
  Config c;
  Status s = config_testing::LoadFrom(text, &c);
  EXPECT_TRUE(s.ok()) << s.message();
  return c;
}

std::string Abs(const std::string& p) { return std::filesystem::absolute(p).lexically_normal().string(); }

TEST(WorkRoots, DefaultsToWorkAndNoS3) {
  WorkRoots r;
  ASSERT_TRUE(ResolveWorkRoots(Load(""), "", "", &r).ok());
  EXPECT_EQ(r.local, Abs("work"));
  EXPECT_EQ(r.s3, "");
  EXPECT_EQ(r.s3_origin, "");
}

TEST(WorkRoots, EachS3RootSaysWhereItCameFrom) {
  WorkRoots r;
  Config s3_config = Load("workDir = 's3://b/from-config'\n");
  ASSERT_TRUE(ResolveWorkRoots(s3_config, "", "", &r).ok());
  EXPECT_EQ(r.s3, "s3://b/from-config");
  EXPECT_EQ(r.s3_origin, "workDir in the config");
  EXPECT_EQ(r.local, Abs("work"));  // an S3 workDir is not a local one
  ASSERT_TRUE(ResolveWorkRoots(s3_config, "s3://b/from-w", "", &r).ok());
  EXPECT_EQ(r.s3, "s3://b/from-w");
  EXPECT_EQ(r.s3_origin, "-work-dir");
  ASSERT_TRUE(ResolveWorkRoots(s3_config, "s3://b/from-w", "s3://b/from-bucket-dir", &r).ok());
  EXPECT_EQ(r.s3, "s3://b/from-bucket-dir");
  EXPECT_EQ(r.s3_origin, "-bucket-dir");
}

TEST(WorkRoots, LocalWorkDirOptionBeatsConfig) {
  WorkRoots r;
  ASSERT_TRUE(ResolveWorkRoots(Load("workDir = 'cfg-work'\n"), "", "", &r).ok());
  EXPECT_EQ(r.local, Abs("cfg-work"));
  ASSERT_TRUE(ResolveWorkRoots(Load("workDir = 'cfg-work'\n"), "opt-work", "", &r).ok());
  EXPECT_EQ(r.local, Abs("opt-work"));
}

TEST(WorkRoots, BucketOnlyS3WorkDirIsRejected) {
  WorkRoots r;
  Status s = ResolveWorkRoots(Load("workDir = 's3://bucket'\n"), "", "", &r);
  EXPECT_EQ(s.kind(), Status::Kind::kInvalidInput);
  EXPECT_NE(s.message().find("workDir needs a path inside the bucket"), std::string::npos) << s.message();
}

TEST(Trace, OptionOrConfigTurnsItOn) {
  TraceChoice t = ResolveTrace(Load(""), false, "");
  EXPECT_FALSE(t.on);
  t = ResolveTrace(Load("trace.enabled = true\ntrace.file = 'cfg.tsv'\n"), false, "");
  EXPECT_TRUE(t.on);
  EXPECT_EQ(t.file, "cfg.tsv");
  t = ResolveTrace(Load("trace.file = 'cfg.tsv'\n"), true, "opt.tsv");
  EXPECT_EQ(t.file, "opt.tsv");
  t = ResolveTrace(Load(""), true, "");
  EXPECT_EQ(t.file.rfind("trace-", 0), 0u) << t.file;
}

TEST(Capacity, ConfigOverridesTheHost) {
  ExecutorSlot slot;
  ASSERT_TRUE(ExecutorCapacity(Load("executor.cpus = 3\nexecutor.memory = '2 GB'\n"), &slot).ok());
  EXPECT_EQ(slot.cpus, 3);
  EXPECT_EQ(slot.memory_bytes, 2LL << 30);
}

TEST(ContainersIgnored, NamesTheExecutorTheTasksRunOn) {
  TaskSpec spec;
  spec.loc = SourceLoc{"pipeline.yml", 3, 3};
  TaskGraph graph;
  auto add = [&](const std::string& executor, const std::string& display) {
    Task t;
    t.spec = &spec;
    t.display = display;
    t.directives.executor = executor;
    t.directives.container = "ubuntu:22.04";
    graph.tasks.push_back(t);
  };
  add("slurm", "t (1)");
  add("slurm", "t (2)");
  add("awsbatch", "t (3)");  // Batch jobs always run in their image
  ContainerSettings none;
  std::string w = ContainersIgnoredWarning(graph, none);
  EXPECT_NE(w.find("pipeline.yml:3:3: 2 slurm task(s) name a container (first 't (1)': ubuntu:22.04)"),
            std::string::npos)
      << w;
  EXPECT_NE(w.find("so they run directly on the slurm nodes"), std::string::npos) << w;
  EXPECT_EQ(w.find("local"), std::string::npos) << w;
  add("local", "u");
  w = ContainersIgnoredWarning(graph, none);
  EXPECT_NE(w.find(": 1 local and 2 slurm task(s) name a container"), std::string::npos) << w;
  EXPECT_NE(w.find("run directly on this machine and on the slurm nodes"), std::string::npos) << w;
}

}  // namespace
}  // namespace ferry
