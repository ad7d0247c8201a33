#include "slurm/slurm_state.h"

#include <gtest/gtest.h>

namespace ferry::slurm {
namespace {

TEST(SbatchJobId, BareAndWithCluster) {
  std::string id;
  ASSERT_TRUE(ParseSbatchJobId("1234\n", &id).ok());
  EXPECT_EQ(id, "1234");
  ASSERT_TRUE(ParseSbatchJobId("77;ferrytest\n", &id).ok());
  EXPECT_EQ(id, "77");
  Status st = ParseSbatchJobId("sbatch: error: Batch job submission failed\n", &id);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("without a job id"), std::string::npos);
}

// Captured from `squeue --me -h -r -t all -o '%i|%T|%r'` on the test cluster.
TEST(Squeue, ParsesJobsArrayElementsAndPendingRanges) {
  auto jobs = ParseSqueue(
      "1|FAILED|NonZeroExitCode\n"
      "2|FAILED|JobLaunchFailure\n"
      "3|RUNNING|None\n"
      "9_[2-4,7%2]|PENDING|Resources\n"
      "9_0|COMPLETED|None\n"
      "garbage line\n"
      "|FAILED|None\n");
  ASSERT_EQ(jobs.size(), 8u);
  EXPECT_EQ(jobs["1"].state, "FAILED");
  EXPECT_EQ(jobs["2"].reason, "JobLaunchFailure");
  EXPECT_EQ(jobs["9_0"].state, "COMPLETED");
  EXPECT_EQ(jobs["9_3"].state, "PENDING");
  EXPECT_EQ(jobs["9_7"].reason, "Resources");
  EXPECT_EQ(jobs.count("9_5"), 0u);
}

TEST(FinalStates, ActiveAndDone) {
  EXPECT_FALSE(IsFinalState("PENDING"));
  EXPECT_FALSE(IsFinalState("RUNNING"));
  EXPECT_FALSE(IsFinalState("COMPLETING"));
  EXPECT_TRUE(IsFinalState("COMPLETED"));
  EXPECT_TRUE(IsFinalState("OUT_OF_MEMORY"));
  EXPECT_TRUE(IsFinalState("TIMEOUT"));
}

TEST(ClassifyEnd, OutOfMemoryFromStateOrStepdMessage) {
  // cgroup clusters report the state; jobacct_gather ones only the log line.
  JobEnd e = ClassifyEnd({"OUT_OF_MEMORY", "OutOfMemory"}, "", 50 * 1024 * 1024, 0);
  EXPECT_EQ(e.kind, JobEnd::Kind::kOutOfMemory);
  EXPECT_NE(e.message.find("requested 50 MB"), std::string::npos) << e.message;
  const char* log =
      "slurmstepd-localhost: error: StepId=2.batch exceeded memory limit (99323904 > 52428800), being killed\n"
      "slurmstepd-localhost: error: Exceeded job memory limit\n";
  e = ClassifyEnd({"FAILED", "JobLaunchFailure"}, log, 52428800, 0);
  EXPECT_EQ(e.kind, JobEnd::Kind::kOutOfMemory);
  EXPECT_NE(e.message.find("used at least 94.7 MB"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("raise the task's memory"), std::string::npos);
}

TEST(ClassifyEnd, TimeoutNamesTheMinuteRounding) {
  JobEnd e = ClassifyEnd({"TIMEOUT", "TimeLimit"}, "", 0, 10000);
  EXPECT_EQ(e.kind, JobEnd::Kind::kTimeout);
  EXPECT_NE(e.message.find("--time=1"), std::string::npos) << e.message;
}

TEST(ClassifyEnd, NodeFailuresRetryCancelFailsExitUsesExitcode) {
  EXPECT_EQ(ClassifyEnd({"NODE_FAIL", "None"}, "", 0, 0).kind, JobEnd::Kind::kRetry);
  EXPECT_EQ(ClassifyEnd({"PREEMPTED", "None"}, "", 0, 0).kind, JobEnd::Kind::kRetry);
  JobEnd c = ClassifyEnd({"CANCELLED", "None"}, "", 0, 0);
  EXPECT_EQ(c.kind, JobEnd::Kind::kFailed);
  EXPECT_NE(c.message.find("CANCELLED"), std::string::npos);
  EXPECT_EQ(ClassifyEnd({"FAILED", "NonZeroExitCode"}, "", 0, 0).kind, JobEnd::Kind::kExited);
  EXPECT_EQ(ClassifyEnd({"COMPLETED", "None"}, "", 0, 0).kind, JobEnd::Kind::kExited);
}

// Captured from `sinfo -h -N -o '%P|%N|%c|%m|%n'`.
const char* kSinfo =
    "debug*|localhost|2|4000|localhost\n"
    "big|localhost|2|4000|localhost\n"
    "big|node7|64|512000|node7\n";

TEST(Sinfo, NodesAndDefaultPartition) {
  std::string def;
  auto nodes = ParseSinfoNodes(kSinfo, &def);
  ASSERT_EQ(nodes.size(), 3u);
  EXPECT_EQ(def, "debug");
  EXPECT_EQ(nodes[0].partition, "debug");
  EXPECT_EQ(nodes[2].cpus, 64);
  EXPECT_EQ(nodes[2].memory_bytes, 512000LL * 1024 * 1024);
}

TEST(RequestFits, UnknownPartitionListsTheOnesThatExist) {
  std::string def;
  auto nodes = ParseSinfoNodes(kSinfo, &def);
  std::string p = CheckRequestFits(nodes, def, "bgi", 1, 0);
  EXPECT_NE(p.find("partition 'bgi' does not exist"), std::string::npos) << p;
  EXPECT_NE(p.find("debug, big"), std::string::npos) << p;
  EXPECT_NE(p.find("big"), std::string::npos);
}

TEST(RequestFits, LargerThanAnyNodeOfThePartition) {
  std::string def;
  auto nodes = ParseSinfoNodes(kSinfo, &def);
  EXPECT_EQ(CheckRequestFits(nodes, def, "", 2, 1024LL * 1024 * 1024), "");
  std::string p = CheckRequestFits(nodes, def, "", 3, 0);
  EXPECT_NE(p.find("asks for 3 cpus but the largest node of partition 'debug' has 2"), std::string::npos) << p;
  EXPECT_EQ(CheckRequestFits(nodes, def, "big", 3, 0), "");
  p = CheckRequestFits(nodes, def, "big", 1, 600000LL * 1024 * 1024);
  EXPECT_NE(p.find("of memory but the largest node"), std::string::npos) << p;
}

TEST(SharedFilesystems, NfsAndLustreYesExt4AndTmpfsNo) {
  EXPECT_TRUE(IsSharedFilesystemType(0x6969));
  EXPECT_TRUE(IsSharedFilesystemType(0x0BD00BD0));
  EXPECT_FALSE(IsSharedFilesystemType(0xEF53));      // ext4
  EXPECT_FALSE(IsSharedFilesystemType(0x01021994));  // tmpfs
}

}  // namespace
}  // namespace ferry::slurm
