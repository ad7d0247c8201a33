#include "remote_build/build_workflow.h"

#include <gtest/gtest.h>

namespace ferry::remote_build {
namespace {

using V = std::vector<std::string>;

TEST(BuildWorkflow, SnakemakeGetsCoresAndMemory) {
  WorkflowRequest r;
  r.kind = WorkflowKind::kSnakemake;
  r.cpus = 8;
  r.memory_mib = 14336;
  r.user_args = {"all"};
  V warnings;
  EXPECT_EQ(WorkflowCommand(r, &warnings), (V{"snakemake", "--cores=8", "--resources=mem_mb=14336", "all"}));
  EXPECT_TRUE(warnings.empty());

  r.cpus = 0;
  r.memory_mib = 0;
  EXPECT_EQ(WorkflowCommand(r, &warnings), (V{"snakemake", "--cores=all", "all"}));
}

TEST(BuildWorkflow, UserFlagsWinWithAWarning) {
  WorkflowRequest r;
  r.kind = WorkflowKind::kSnakemake;
  r.cpus = 8;
  r.memory_mib = 100;
  r.user_args = {"-j4", "--resources", "mem_mb=5"};
  V warnings;
  EXPECT_EQ(WorkflowCommand(r, &warnings), (V{"snakemake", "-j4", "--resources", "mem_mb=5"}));
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_NE(warnings[0].find("--cores"), std::string::npos);

  r.kind = WorkflowKind::kMake;
  r.user_args = {"--jobs=2"};
  warnings.clear();
  EXPECT_EQ(WorkflowCommand(r, &warnings), (V{"make", "--jobs=2"}));
  EXPECT_EQ(warnings.size(), 1u);
}

TEST(BuildWorkflow, MakeGetsJobs) {
  WorkflowRequest r;
  r.kind = WorkflowKind::kMake;
  r.cpus = 3;
  V warnings;
  EXPECT_EQ(WorkflowCommand(r, &warnings), (V{"make", "-j3"}));
}

TEST(BuildWorkflow, FerryRunGetsExecutorCapacityThroughAConfigFile) {
  WorkflowRequest r;
  r.kind = WorkflowKind::kFerry;
  r.ferry_program = "/opt/ferry";
  r.user_args = {"--n", "3"};
  V warnings;
  EXPECT_EQ(WorkflowCommand(r, &warnings), (V{"/opt/ferry", "run", "pipeline.yml", "--n", "3"}));
  r.cpus = 4;
  r.memory_mib = 2048;
  V argv = WorkflowCommand(r, &warnings);
  ASSERT_GE(argv.size(), 5u);
  EXPECT_EQ(argv[0], "sh");
  EXPECT_NE(argv[2].find("executor.cpus = 4"), std::string::npos);
  EXPECT_NE(argv[2].find("executor.memory = "), std::string::npos);
  EXPECT_NE(argv[2].find("2048 MB"), std::string::npos);
  EXPECT_EQ(V(argv.end() - 5, argv.end()), (V{"/opt/ferry", "run", "pipeline.yml", "--n", "3"}));
}

TEST(BuildWorkflow, ExecAppendsArguments) {
  WorkflowRequest r;
  r.kind = WorkflowKind::kExec;
  r.exec = "./run.sh --fast";
  r.user_args = {"x y"};
  V warnings;
  EXPECT_EQ(WorkflowCommand(r, &warnings), (V{"sh", "-c", "./run.sh --fast \"$@\"", "sh", "x y"}));
}

TEST(BuildWorkflow, DetectNeedsAWorkflowFile) {
  WorkflowKind k;
  Status s = DetectWorkflow("/nonexistent-dir", "", &k);
  EXPECT_EQ(s.exit_code(), 2);
  EXPECT_NE(s.message().find("Snakefile"), std::string::npos);
  EXPECT_TRUE(DetectWorkflow("/nonexistent-dir", "true", &k).ok());
  EXPECT_EQ(k, WorkflowKind::kExec);
}

}  // namespace
}  // namespace ferry::remote_build
