// Fargate's sizes, storage and refusals; the fair-share check; job tags.
#include "awsbatch/fargate.h"

#include <gtest/gtest.h>

#include "awsbatch/fair_share.h"
#include "awsbatch/job_tags.h"

namespace ferry {
namespace {

constexpr int64_t kMib = 1 << 20, kGib = int64_t{1} << 30;

FargateSize Size(int cpus, int64_t memory) {
  FargateSize s;
  Status st = FargateSizeFor(cpus, memory, &s);
  EXPECT_TRUE(st.ok()) << st.message();
  return s;
}

TEST(Fargate, SizesRoundUpToThePairsFargateOffers) {
  FargateSize s = Size(1, 0);
  EXPECT_EQ(s.vcpus, 1);
  EXPECT_EQ(s.memory_mib, 2048);
  EXPECT_FALSE(s.rounded);  // no memory asked: the least, nothing to say
  s = Size(1, 2 * kGib);
  EXPECT_EQ(s.memory_mib, 2048);
  EXPECT_FALSE(s.rounded);
  s = Size(1, 1500 * kMib);  // below 1 vCPU's least
  EXPECT_EQ(s.memory_mib, 2048);
  EXPECT_TRUE(s.rounded);
  s = Size(3, 5 * kGib);  // no 3 vCPUs: 4, and its least memory
  EXPECT_EQ(s.vcpus, 4);
  EXPECT_EQ(s.memory_mib, 8192);
  EXPECT_TRUE(s.rounded);
  s = Size(2, 9 * kGib + 1);  // 1 MiB step up: 10 GiB
  EXPECT_EQ(s.vcpus, 2);
  EXPECT_EQ(s.memory_mib, 10240);
  s = Size(1, 20 * kGib);  // more than 1 vCPU's 8 GiB: 4 vCPUs take 20 GiB
  EXPECT_EQ(s.vcpus, 4);
  EXPECT_EQ(s.memory_mib, 20480);
  s = Size(8, 17 * kGib);  // 8 vCPUs go in 4 GiB steps
  EXPECT_EQ(s.memory_mib, 20480);
  s = Size(16, 120 * kGib);
  EXPECT_EQ(s.memory_mib, 122880);
  FargateSize none;
  EXPECT_FALSE(FargateSizeFor(17, 0, &none).ok());
  EXPECT_FALSE(FargateSizeFor(16, 121 * kGib, &none).ok());
}

TEST(Fargate, StorageFromDiskIs21To200GiB) {
  int gib = -1;
  ASSERT_TRUE(FargateStorageGib(0, &gib).ok());
  EXPECT_EQ(gib, 0);
  ASSERT_TRUE(FargateStorageGib(20 * kGib, &gib).ok());
  EXPECT_EQ(gib, 0);  // Fargate's default 20 GiB holds it
  ASSERT_TRUE(FargateStorageGib(20 * kGib + 1, &gib).ok());
  EXPECT_EQ(gib, 21);
  ASSERT_TRUE(FargateStorageGib(100 * kGib, &gib).ok());
  EXPECT_EQ(gib, 100);
  Status st = FargateStorageGib(201 * kGib, &gib);
  EXPECT_EQ(st.exit_code(), 2);
  EXPECT_NE(st.message().find("at most 200 GiB"), std::string::npos) << st.message();
}

TEST(Fargate, TasksFargateCannotRunAreRefusedByName) {
  TaskRun r;
  r.process = "align";
  r.name = "align (3)";
  EXPECT_TRUE(CheckFargateTask(r).ok());
  r.accelerators = 1;
  Status st = CheckFargateTask(r);
  EXPECT_EQ(st.exit_code(), 2);
  EXPECT_NE(st.message().find("task 'align' asks for 1 GPU(s)"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("aws.batch.platformType = 'fargate'"), std::string::npos) << st.message();
  r.accelerators = 0;
  r.cpus = 32;
  st = CheckFargateTask(r);
  EXPECT_NE(st.message().find("task 'align' asks for 32 cpus"), std::string::npos) << st.message();
  r.cpus = 2;
  r.disk_bytes = 500 * kGib;
  st = CheckFargateTask(r);
  EXPECT_NE(st.message().find("task 'align': Fargate gives a job at most 200 GiB"), std::string::npos) << st.message();
  r.disk_bytes = 0;
  r.memory_bytes = 3 * kGib;
  EXPECT_EQ(FargateRoundingNote(r, Size(r.cpus, r.memory_bytes)),
            "note: task 'align' asks for 2 cpus and 3 GB; Fargate runs it with 2 vCPUs and 4096 MiB, the nearest "
            "size it offers (and bills)");
}

TEST(FairShare, QueuesWithAndWithoutAPolicy) {
  nlohmann::json plain = {{"jobQueueName", "q"}};
  nlohmann::json fair = {{"jobQueueName", "fq"},
                         {"schedulingPolicyArn", "arn:aws:batch:us-east-1:1:scheduling-policy/p"}};
  EXPECT_TRUE(CheckFairShare(plain, "q", "", -1).ok());
  EXPECT_TRUE(CheckFairShare(fair, "fq", "genomics", 5).ok());
  Status st = CheckFairShare(plain, "q", "genomics", -1);
  EXPECT_EQ(st.exit_code(), 2);
  EXPECT_NE(st.message().find("job queue 'q' has no scheduling policy"), std::string::npos) << st.message();
  st = CheckFairShare(plain, "q", "", 3);
  EXPECT_NE(st.message().find("refuses a scheduling priority"), std::string::npos) << st.message();
  st = CheckFairShare(fair, "fq", "", -1);
  EXPECT_NE(st.message().find("'fq' is a fair-share queue"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("set aws.batch.shareIdentifier"), std::string::npos) << st.message();
}

TEST(JobTags, FerrysOwnTagsAndTheTasksLabels) {
  EXPECT_EQ(PipelineTagName("/home/a/rnaseq/pipeline.yml", false), "rnaseq");
  EXPECT_EQ(PipelineTagName("/home/a/rnaseq/", true), "rnaseq");
  EXPECT_EQ(PipelineTagName("/home/a/qc.yml", false), "qc");
  EXPECT_EQ(TagValue("run#1 (a)"), "run_1 _a_");
  EXPECT_EQ(TagValue(std::string(300, 'x')).size(), 256u);
  nlohmann::json tags = JobTags("happy_turing", "align", "rnaseq", {{"team", "genomics"}, {"cost-centre", "42"}});
  EXPECT_EQ(tags, nlohmann::json({{"team", "genomics"},
                                  {"cost-centre", "42"},
                                  {"ferry-run", "happy_turing"},
                                  {"ferry-task", "align"},
                                  {"ferry-pipeline", "rnaseq"}}));
  EXPECT_FALSE(JobTags("", "t", "", {}).contains("ferry-run"));
}

}  // namespace
}  // namespace ferry
