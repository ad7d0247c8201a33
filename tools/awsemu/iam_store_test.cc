#include "awsemu/iam_store.h"

#include <gtest/gtest.h>

namespace awsemu {
namespace {

const char kEcsTrust[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},)"
    R"("Action":"sts:AssumeRole"}]})";
const char kS3Policy[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}]})";

IamRole JobRole(const std::string& name, const std::string& path = "/") {
  IamRole r;
  r.name = name;
  r.path = path;
  r.trust_policy = kEcsTrust;
  return r;
}

TEST(IamStoreTest, FindRoleByNameOrArnReturnsTheTrustPolicy) {
  IamStore store;
  IamRole created;
  ASSERT_TRUE(store.CreateRole(JobRole("job", "/ferry/"), &created).ok());
  EXPECT_EQ(created.arn, "arn:aws:iam::123456789012:role/ferry/job");
  EXPECT_EQ(created.id.substr(0, 4), "AROA");
  EXPECT_EQ(created.id.size(), 21u);

  auto by_name = store.FindRole("job");
  ASSERT_TRUE(by_name);
  EXPECT_EQ(by_name->trust_policy, kEcsTrust);
  auto by_arn = store.FindRole("arn:aws:iam::123456789012:role/ferry/job");
  ASSERT_TRUE(by_arn);
  EXPECT_EQ(by_arn->name, "job");
  // An ARN with another path or account names another role.
  EXPECT_FALSE(store.FindRole("arn:aws:iam::123456789012:role/job"));
  EXPECT_FALSE(store.FindRole("arn:aws:iam::999999999999:role/ferry/job"));
  EXPECT_FALSE(store.FindRole("missing"));
}

TEST(IamStoreTest, RoleNamesAreUniqueAndTrustPoliciesMustBeJson) {
  IamStore store;
  IamRole out;
  ASSERT_TRUE(store.CreateRole(JobRole("job"), &out).ok());
  EmuError again = store.CreateRole(JobRole("job"), &out);
  EXPECT_EQ(again.code, "EntityAlreadyExists");
  EXPECT_EQ(again.status, 409);
  IamRole bad = JobRole("bad");
  bad.trust_policy = "{not json";
  EXPECT_EQ(store.CreateRole(bad, &out).code, "MalformedPolicyDocument");
  EXPECT_FALSE(store.FindRole("bad"));
}

TEST(IamStoreTest, DeleteRoleRefusedWhileAnythingHangsOnIt) {
  IamStore store;
  IamRole role;
  ASSERT_TRUE(store.CreateRole(JobRole("job"), &role).ok());
  ASSERT_TRUE(store.PutInlinePolicy(IamHolderKind::kRole, "job", "bucket", kS3Policy).ok());
  EXPECT_EQ(store.DeleteRole("job").code, "DeleteConflict");
  ASSERT_TRUE(store.DeleteInlinePolicy(IamHolderKind::kRole, "job", "bucket").ok());

  IamManagedPolicy p, created;
  p.name = "ferry-bucket";
  ASSERT_TRUE(store.CreatePolicy(p, kS3Policy, &created).ok());
  ASSERT_TRUE(store.AttachPolicy(IamHolderKind::kRole, "job", created.arn).ok());
  EXPECT_EQ(store.DeleteRole("job").code, "DeleteConflict");
  EXPECT_EQ(store.DeletePolicy(created.arn).code, "DeleteConflict");  // still attached
  ASSERT_TRUE(store.DetachPolicy(IamHolderKind::kRole, "job", created.arn).ok());

  IamInstanceProfile ip, ip_out;
  ip.name = "job-profile";
  ASSERT_TRUE(store.CreateInstanceProfile(ip, &ip_out).ok());
  ASSERT_TRUE(store.AddRoleToInstanceProfile("job-profile", "job").ok());
  EXPECT_EQ(store.AddRoleToInstanceProfile("job-profile", "ecsInstanceRole").code, "LimitExceeded");
  EXPECT_EQ(store.DeleteRole("job").code, "DeleteConflict");
  EXPECT_EQ(store.DeleteInstanceProfile("job-profile").code, "DeleteConflict");
  ASSERT_TRUE(store.RemoveRoleFromInstanceProfile("job-profile", "job").ok());

  EXPECT_TRUE(store.DeleteRole("job").ok());
  EXPECT_EQ(store.DeleteRole("job").code, "NoSuchEntity");
  EXPECT_TRUE(store.DeletePolicy(created.arn).ok());
  EXPECT_TRUE(store.DeleteInstanceProfile("job-profile").ok());
}

TEST(IamStoreTest, AttachingAnUnknownPolicyIsNoSuchEntity) {
  IamStore store;
  IamGroup g;
  ASSERT_TRUE(store.CreateGroup("users", "/", &g).ok());
  EmuError e = store.AttachPolicy(IamHolderKind::kGroup, "users", "arn:aws:iam::123456789012:policy/none");
  EXPECT_EQ(e.code, "NoSuchEntity");
  EXPECT_EQ(e.status, 404);
  ASSERT_TRUE(store.AttachPolicy(IamHolderKind::kGroup, "users", "arn:aws:iam::aws:policy/AWSBatchFullAccess").ok());
  std::vector<std::pair<std::string, std::string>> attached;
  ASSERT_TRUE(store.ListAttachedPolicies(IamHolderKind::kGroup, "users", &attached).ok());
  ASSERT_EQ(attached.size(), 1u);
  EXPECT_EQ(attached[0].first, "AWSBatchFullAccess");
  EXPECT_EQ(store.DeleteGroup("users").code, "DeleteConflict");
  EXPECT_EQ(store.PutInlinePolicy(IamHolderKind::kGroup, "nobody", "p", kS3Policy).code, "NoSuchEntity");
}

TEST(IamStoreTest, PolicyVersionsKeepTheDefaultAndLimitFive) {
  IamStore store;
  IamManagedPolicy p, created;
  p.name = "ferry-bucket";
  p.path = "/ferry/";
  ASSERT_TRUE(store.CreatePolicy(p, kS3Policy, &created).ok());
  EXPECT_EQ(created.arn, "arn:aws:iam::123456789012:policy/ferry/ferry-bucket");
  EXPECT_EQ(store.CreatePolicy(p, kS3Policy, &created).code, "EntityAlreadyExists");
  IamPolicyVersion v;
  for (int i = 2; i <= 5; ++i) ASSERT_TRUE(store.CreatePolicyVersion(created.arn, kS3Policy, i == 3, &v).ok());
  EXPECT_EQ(v.id, "v5");
  EXPECT_EQ(store.CreatePolicyVersion(created.arn, kS3Policy, false, &v).code, "LimitExceeded");
  IamManagedPolicy now;
  ASSERT_TRUE(store.GetPolicy(created.arn, &now).ok());
  EXPECT_EQ(now.default_version, "v3");
  EXPECT_EQ(store.DeletePolicyVersion(created.arn, "v3").code, "DeleteConflict");
  EXPECT_TRUE(store.DeletePolicyVersion(created.arn, "v1").ok());
  EXPECT_EQ(store.GetPolicyVersion(created.arn, "v1", &v).code, "NoSuchEntity");
  ASSERT_TRUE(store.GetPolicyVersion(created.arn, "v3", &v).ok());
  EXPECT_EQ(v.document, kS3Policy);
}

TEST(IamStoreTest, ServiceLinkedRoleForBatch) {
  IamStore store;
  IamRole role;
  ASSERT_TRUE(store.CreateServiceLinkedRole("batch.amazonaws.com", "", &role).ok());
  EXPECT_EQ(role.name, "AWSServiceRoleForBatch");
  EXPECT_EQ(role.arn, "arn:aws:iam::123456789012:role/aws-service-role/batch.amazonaws.com/AWSServiceRoleForBatch");
  EXPECT_NE(role.trust_policy.find("batch.amazonaws.com"), std::string::npos);
  EXPECT_EQ(store.CreateServiceLinkedRole("batch.amazonaws.com", "", &role).code, "InvalidInput");
  EXPECT_EQ(store.CreateServiceLinkedRole("nothing.amazonaws.com", "", &role).code, "InvalidInput");
}

TEST(IamStoreTest, TagsMergeByKeyAndResetForgetsEverything) {
  IamStore store;
  IamRole role;
  ASSERT_TRUE(store.CreateRole(JobRole("job"), &role).ok());
  ASSERT_TRUE(store.Tag("role", "job", {{"ferry:setup", "a"}, {"team", "x"}}).ok());
  ASSERT_TRUE(store.Tag("role", "job", {{"ferry:setup", "b"}}).ok());
  IamTags tags;
  ASSERT_TRUE(store.ListTags("role", "job", &tags).ok());
  EXPECT_EQ(tags, (IamTags{{"ferry:setup", "b"}, {"team", "x"}}));
  ASSERT_TRUE(store.Untag("role", "job", {"team"}).ok());
  ASSERT_TRUE(store.ListTags("role", "job", &tags).ok());
  EXPECT_EQ(tags, (IamTags{{"ferry:setup", "b"}}));
  EXPECT_EQ(store.Tag("role", "none", {{"k", "v"}}).code, "NoSuchEntity");

  store.Reset();
  EXPECT_FALSE(store.FindRole("job"));
  // A fresh account again: the seeded instance role and AWS policies.
  EXPECT_TRUE(store.FindInstanceProfile("ecsInstanceRole"));
  EXPECT_FALSE(store.ListPolicies("AWS", false, "").empty());
  EXPECT_TRUE(store.ListPolicies("Local", false, "").empty());
}

TEST(IamStoreTest, PolicyDocumentChecks) {
  EXPECT_TRUE(CheckPolicyDocument(kS3Policy).ok());
  EXPECT_EQ(CheckPolicyDocument("[]").code, "MalformedPolicyDocument");
  EXPECT_EQ(CheckPolicyDocument(R"({"Version":"2020-01-01","Statement":[]})").code, "MalformedPolicyDocument");
  EXPECT_EQ(CheckPolicyDocument(R"({"Version":"2012-10-17"})").code, "MalformedPolicyDocument");
}

}  // namespace
}  // namespace awsemu
