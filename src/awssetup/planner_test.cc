#include "awssetup/planner.h"

#include <gtest/gtest.h>

#include "awssetup/setup_config_block.h"
#include "awssetup/test_account.h"

namespace ferry::awssetup {
namespace {

const Step* Find(const Plan& p, const std::string& piece) {
  for (const Step& s : p.steps)
    if (s.piece == piece) return &s;
  return nullptr;
}

std::vector<std::string> Changed(const Plan& p) {
  std::vector<std::string> out;
  for (const Step& s : p.steps)
    if (s.action != Action::kKeep) out.push_back(s.piece);
  return out;
}

TEST(PlanSetup, EmptyAccountCreatesEveryPieceWithTheSetupsTag) {
  Desired d = TestDesired();
  Plan p;
  ASSERT_TRUE(PlanSetup(d, EmptyAccount(), &p).ok());
  for (const Step& s : p.steps) EXPECT_EQ(s.action, Action::kCreate) << s.piece;
  const Step* ce = Find(p, "compute environment");
  ASSERT_NE(ce, nullptr);
  const auto& cr = ce->calls[0].params["computeResources"];
  EXPECT_EQ(cr["minvCpus"], 0);
  EXPECT_EQ(cr["subnets"], nlohmann::json({"subnet-a", "subnet-b"}));
  EXPECT_EQ(ce->calls[0].params["tags"]["ferry:setup"], "t1");
  EXPECT_EQ(ce->calls[0].params["serviceRole"], kServiceRolePlaceholder);
  EXPECT_EQ(ce->wait, Wait::kComputeEnvValid);
  // Outside us-east-1 the bucket names its region.
  EXPECT_EQ(Find(p, "bucket")->calls[0].params["CreateBucketConfiguration"]["LocationConstraint"], "eu-west-1");
  // The queue comes after the compute environment it uses.
  EXPECT_LT(ce - p.steps.data(), Find(p, "job queue") - p.steps.data());
}

TEST(PlanSetup, CompleteAccountPlansNothing) {
  Desired d = TestDesired();
  Plan p;
  ASSERT_TRUE(PlanSetup(d, CompleteAccount(d), &p).ok());
  EXPECT_EQ(Changed(p), std::vector<std::string>{});
  EXPECT_FALSE(p.HasChanges());
}

TEST(PlanSetup, EachBrokenPieceIsNamedAndRepairedInPlace) {
  Desired d = TestDesired();
  Observed o = CompleteAccount(d);
  o.bucket.expire_days = 0;
  o.queue.state = "DISABLED";
  o.compute_env.max_vcpus = 1;
  o.job_role.inline_policies.clear();
  Plan p;
  ASSERT_TRUE(PlanSetup(d, o, &p).ok());
  EXPECT_EQ(Changed(p),
            (std::vector<std::string>{"bucket lifecycle rule", "job role policy", "compute environment", "job queue"}));
  const Step* ce = Find(p, "compute environment");
  EXPECT_NE(ce->reason.find("a job of 2 vCPUs"), std::string::npos) << ce->reason;
  EXPECT_EQ(ce->calls[0].operation, "UpdateComputeEnvironment");
  EXPECT_EQ(ce->calls[0].params["computeResources"]["maxvCpus"], 16);
  EXPECT_EQ(Find(p, "job queue")->calls[0].params["state"], "ENABLED");
}

TEST(PlanSetup, KeepsTheOwnersBucketPolicyStatementsAndTags) {
  Desired d = TestDesired();
  Observed o = CompleteAccount(d);
  o.bucket.policy = R"({"Version":"2012-10-17","Statement":[{"Sid":"Mine","Effect":"Allow",
    "Principal":{"AWS":"arn:aws:iam::1:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::x/*"}]})";
  o.bucket.tags = {{"team", "lab"}};
  Plan p;
  ASSERT_TRUE(PlanSetup(d, o, &p).ok());
  const Step* policy = Find(p, "bucket policy (TLS only)");
  ASSERT_EQ(policy->action, Action::kChange);
  auto doc = nlohmann::json::parse(policy->calls[0].params["Policy"].get<std::string>());
  ASSERT_EQ(doc["Statement"].size(), 2u);
  EXPECT_EQ(doc["Statement"][0]["Sid"], "Mine");
  auto set = Find(p, "bucket tag")->calls[0].params["Tagging"]["TagSet"];
  EXPECT_EQ(set.size(), 2u);
}

TEST(PlanSetup, NoDefaultVpcAndNoSubnetsSaysWhatToGive) {
  Desired d = TestDesired();
  Observed o = EmptyAccount();
  o.network = {};
  Plan p;
  Status s = PlanSetup(d, o, &p);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("--subnets"), std::string::npos);
}

TEST(PlanSetup, DiskAndNvmeMakeALaunchTemplateTheComputeEnvironmentUses) {
  SetupOptions opts;
  opts.disk_gib = 200;
  opts.nvme = true;
  Desired d = TestDesired(opts);
  Plan p;
  ASSERT_TRUE(PlanSetup(d, EmptyAccount(), &p).ok());
  const Step* lt = Find(p, "launch template");
  ASSERT_NE(lt, nullptr);
  const auto& data = lt->calls[0].params["LaunchTemplateData"];
  EXPECT_EQ(data["BlockDeviceMappings"][0]["Ebs"]["VolumeSize"], 200);
  EXPECT_EQ(data["BlockDeviceMappings"][0]["Ebs"]["DeleteOnTermination"], true);
  EXPECT_EQ(data["EbsOptimized"], true);
  EXPECT_TRUE(data.contains("UserData"));
  EXPECT_EQ(Find(p, "compute environment")->calls[0].params["computeResources"]["launchTemplate"]["launchTemplateName"],
            d.launch_template);
}

TEST(PlanTeardown, RemovesOnlyTaggedPiecesInDependencyOrderAndKeepsDataUnlessAsked) {
  Desired d = TestDesired();
  Observed o = CompleteAccount(d);
  o.job_role.tags.clear();  // made by someone else
  Plan p = PlanTeardown(d, o, false);
  std::vector<std::string> order;
  for (const Step& s : p.steps)
    if (s.action == Action::kDelete) order.push_back(s.piece);
  EXPECT_EQ(order, (std::vector<std::string>{"job definition", "job queue (disable)", "job queue",
                                             "compute environment (disable)", "compute environment", "instance profile",
                                             "instance role", "users' group"}));
  EXPECT_EQ(Find(p, "job role")->action, Action::kKeep);
  EXPECT_EQ(Find(p, "bucket")->action, Action::kKeep);
  Plan all = PlanTeardown(d, o, true);
  EXPECT_EQ(Find(all, "bucket")->action, Action::kDelete);
  EXPECT_TRUE(Find(all, "bucket")->empty_bucket);
}

TEST(LogRetention, RoundsUpToADayCountLogsAccepts) {
  EXPECT_EQ(LogRetentionDays(30), 30);
  EXPECT_EQ(LogRetentionDays(31), 60);
  EXPECT_EQ(LogRetentionDays(2), 3);
}

TEST(SetupConfigBlock, WrittenReplacedReadBackAndRemovedLeavingTheRest) {
  SetupOptions opts;
  opts.expire_days = 14;
  Desired d = TestDesired(opts);
  std::string mine = "process.cpus = 2\n";
  std::string text = ReplaceSetupConfigBlock(mine, "t1", SetupConfigBlock(d));
  EXPECT_NE(text.find("build.queue = 'ferry-t1'"), std::string::npos);
  EXPECT_EQ(text.find(mine), 0u);
  // Again: replaced, not appended twice.
  EXPECT_EQ(ReplaceSetupConfigBlock(text, "t1", SetupConfigBlock(d)), text);
  SetupOptions back;
  ASSERT_TRUE(SetupOptionsFromConfig(text, "t1", &back));
  EXPECT_EQ(back.expire_days, 14);
  EXPECT_FALSE(SetupOptionsFromConfig(text, "t", &back));  // another set-up's name
  EXPECT_EQ(ReplaceSetupConfigBlock(text, "t1", ""), mine);
}

TEST(SetupOptions, BadValuesNameTheOption) {
  SetupOptions o;
  o.name = "a b";
  EXPECT_NE(CheckSetupOptions(o).message().find("--name"), std::string::npos);
  o = {};
  o.bucket = "Bad_Bucket";
  EXPECT_NE(CheckSetupOptions(o).message().find("--bucket"), std::string::npos);
  o = {};
  o.expire_days = 0;
  EXPECT_EQ(CheckSetupOptions(o).exit_code(), 2);
}

}  // namespace
}  // namespace ferry::awssetup
