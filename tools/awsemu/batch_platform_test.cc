// The emulator's Fargate, fair-share and tag rules, on RegisterJobDefinition
// bodies and through PlanSubmitJob.
#include "awsemu/batch_platform.h"

#include <gtest/gtest.h>

#include "awsemu/batch_job_spec.h"

namespace awsemu {
namespace {

using json = nlohmann::json;

// The ClientException message `fn` throws, "" when it throws none.
template <class Fn>
std::string Refusal(Fn fn) {
  try {
    fn();
  } catch (const EmuError& e) {
    EXPECT_EQ(e.code, "ClientException");
    return e.message;
  }
  return "";
}

json FargateDefinition() {
  return {{"jobDefinitionName", "f"},
          {"type", "container"},
          {"platformCapabilities", {"FARGATE"}},
          {"containerProperties",
           {{"image", "debian:12"},
            {"executionRoleArn", "arn:aws:iam::000000000000:role/exec"},
            {"resourceRequirements", {{{"type", "VCPU"}, {"value", "1"}}, {{"type", "MEMORY"}, {"value", "2048"}}}},
            {"networkConfiguration", {{"assignPublicIp", "ENABLED"}}},
            {"ephemeralStorage", {{"sizeInGiB", 50}}}}}};
}

TEST(BatchPlatform, FargateDefinitions) {
  EXPECT_EQ(Refusal([] { CheckPlatformDefinition(FargateDefinition()); }), "");
  json d = FargateDefinition();
  d["containerProperties"].erase("executionRoleArn");
  EXPECT_NE(Refusal([&] { CheckPlatformDefinition(d); }).find("Execution role is required"), std::string::npos);
  d = FargateDefinition();
  d["containerProperties"]["resourceRequirements"][1]["value"] = "1024";  // 1 vCPU takes 2-8 GiB
  EXPECT_NE(Refusal([&] { CheckPlatformDefinition(d); }).find("1 vCPU and 1024 MiB"), std::string::npos);
  d = FargateDefinition();
  d["containerProperties"]["resourceRequirements"].push_back({{"type", "GPU"}, {"value", "1"}});
  EXPECT_NE(Refusal([&] { CheckPlatformDefinition(d); }).find("GPU"), std::string::npos);
  d = FargateDefinition();
  d["containerProperties"]["volumes"] = {{{"name", "v"}, {"host", {{"sourcePath", "/opt"}}}}};
  EXPECT_NE(Refusal([&] { CheckPlatformDefinition(d); }).find("host volumes"), std::string::npos);
  d = FargateDefinition();
  d["containerProperties"]["privileged"] = true;
  EXPECT_NE(Refusal([&] { CheckPlatformDefinition(d); }).find("privileged"), std::string::npos);
  d = FargateDefinition();
  d["containerProperties"]["ephemeralStorage"]["sizeInGiB"] = 201;
  EXPECT_NE(Refusal([&] { CheckPlatformDefinition(d); }).find("between 21 and 200"), std::string::npos);
  // Fargate's settings on an EC2 definition.
  d = FargateDefinition();
  d.erase("platformCapabilities");
  EXPECT_NE(Refusal([&] { CheckPlatformDefinition(d); }).find("only valid for jobs that run on Fargate"),
            std::string::npos);
  // (pairs, not structured bindings: clang-14 cannot capture those)
  for (auto pair : {std::pair<double, int64_t>{0.25, 512}, {0.5, 4096}, {4, 30720}, {8, 61440}, {16, 122880}})
    EXPECT_EQ(Refusal([&] { CheckFargateResources(pair.first, pair.second, 0); }), "") << pair.first;
  for (auto pair : {std::pair<double, int64_t>{0.25, 1536}, {3, 8192}, {8, 18432}, {16, 30720}})
    EXPECT_NE(Refusal([&] { CheckFargateResources(pair.first, pair.second, 0); }), "") << pair.first;
}

TEST(BatchPlatform, SubmitJobOnFargateFairShareAndTags) {
  JobQueue ec2, fargate;
  ec2.name = "ec2q";
  ec2.arn = "arn:aws:batch:us-east-1:000000000000:job-queue/ec2q";
  fargate.name = "fq";
  fargate.arn = "arn:aws:batch:us-east-1:000000000000:job-queue/fq";
  fargate.scheduling_policy_arn = "arn:aws:batch:us-east-1:000000000000:scheduling-policy/p";
  JobDefinition def;
  def.name = "f";
  def.arn = "arn:aws:batch:us-east-1:000000000000:job-definition/f:1";
  def.revision = 1;
  def.body = FargateDefinition();
  SubmitLookups lookups;
  lookups.queue = [&](const std::string& ref) -> const JobQueue* {
    return ref == "ec2q" ? &ec2 : ref == "fq" ? &fargate : nullptr;
  };
  lookups.job_definition = [&](const std::string&) -> const JobDefinition* { return &def; };
  lookups.queue_ce_types = [&](const JobQueue& q) {
    return std::vector<std::string>{&q == &fargate ? "FARGATE_SPOT" : "EC2"};
  };
  lookups.job_array_size = [](const std::string&) { return std::optional<int>(); };
  SubmitPlan plan;
  json in = {{"jobName", "j"},
             {"jobQueue", "fq"},
             {"jobDefinition", "f"},
             {"shareIdentifier", "genomics"},
             {"schedulingPriorityOverride", 7},
             {"tags", {{"ferry-run", "r"}}},
             {"propagateTags", true}};
  EmuError e = PlanSubmitJob(in, lookups, &plan);
  ASSERT_TRUE(e.ok()) << e.message;
  EXPECT_EQ(plan.spec.share_identifier, "genomics");
  EXPECT_EQ(plan.spec.scheduling_priority, 7);
  EXPECT_EQ(plan.spec.tags, json({{"ferry-run", "r"}}));

  json other = in;
  other.erase("shareIdentifier");
  EXPECT_NE(
      PlanSubmitJob(other, lookups, &plan).message.find("has a scheduling policy, so shareIdentifier is required"),
      std::string::npos);
  other = in;
  other["jobQueue"] = "ec2q";
  EXPECT_NE(PlanSubmitJob(other, lookups, &plan).message.find("cannot run a job definition for FARGATE"),
            std::string::npos);
  other["jobDefinition"] = "f";
  def.body.erase("platformCapabilities");
  def.body["containerProperties"].erase("networkConfiguration");
  EXPECT_NE(PlanSubmitJob(other, lookups, &plan).message.find("does not have a scheduling policy"), std::string::npos);
  def.body = FargateDefinition();
  other = in;
  other["containerOverrides"] = {{"resourceRequirements", {{{"type", "VCPU"}, {"value", "3"}}}}};
  EXPECT_NE(PlanSubmitJob(other, lookups, &plan).message.find("not a supported combination"), std::string::npos);
  other = in;
  other["tags"] = {{"aws:x", "y"}};
  EXPECT_NE(PlanSubmitJob(other, lookups, &plan).message.find("may not start with aws:"), std::string::npos);
  json many = json::object();
  for (int i = 0; i < 51; i++) many["k" + std::to_string(i)] = "v";
  other["tags"] = many;
  EXPECT_NE(PlanSubmitJob(other, lookups, &plan).message.find("at most 50 tags"), std::string::npos);
}

}  // namespace
}  // namespace awsemu
