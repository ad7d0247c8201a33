#include "awssetup/policy_check.h"

#include <gtest/gtest.h>

#include "awssetup/policies.h"
#include "awssetup/setup_spec.h"

namespace ferry::awssetup {
namespace {

TEST(PolicyMatch, WildcardsAndCase) {
  EXPECT_TRUE(PolicyMatch("s3:*", "s3:PutObject", true));
  EXPECT_TRUE(PolicyMatch("S3:putobject", "s3:PutObject", true));
  EXPECT_FALSE(PolicyMatch("arn:aws:s3:::B/*", "arn:aws:s3:::b/x", false));
  EXPECT_TRUE(PolicyMatch("arn:aws:s3:::b/*", "arn:aws:s3:::b/work/x", false));
  EXPECT_FALSE(PolicyMatch("arn:aws:s3:::b/*", "arn:aws:s3:::b", false));
  EXPECT_TRUE(PolicyMatch("a?c*", "abcdef", false));
  EXPECT_FALSE(PolicyMatch("a?c", "ac", false));
  EXPECT_TRUE(PolicyMatch("*x*y", "axxby", false));
  EXPECT_TRUE(PolicyMatch("*", "", false));
}

TEST(Evaluate, ExplicitDenyWinsThenAllowElseImplicit) {
  std::string allow = R"({"Statement":[{"Effect":"Allow","Action":["batch:*"],"Resource":"*"}]})";
  std::string deny =
      R"({"Statement":{"Effect":"Deny","Action":"batch:SubmitJob","Resource":"arn:aws:batch:*:*:job-queue/q"}})";
  PolicyRequest submit{"batch:SubmitJob", "arn:aws:batch:us-east-1:1:job-queue/q"};
  EXPECT_EQ(Evaluate({allow}, submit), Decision::kAllowed);
  EXPECT_EQ(Evaluate({allow, deny}, submit), Decision::kExplicitDeny);
  EXPECT_EQ(Evaluate({allow}, {"iam:PassRole", "arn:aws:iam::1:role/r"}), Decision::kImplicitDeny);
  EXPECT_EQ(Evaluate({}, submit), Decision::kImplicitDeny);
  EXPECT_EQ(Evaluate({"not json"}, submit), Decision::kImplicitDeny);
}

TEST(Evaluate, ConditionalStatementsNeverAllow) {
  std::string conditional = R"({"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*",)"
                            R"("Condition":{"Bool":{"aws:SecureTransport":"true"}}}]})";
  EXPECT_EQ(Evaluate({conditional}, {"s3:GetObject", "arn:aws:s3:::b/k"}), Decision::kImplicitDeny);
}

TEST(Evaluate, TheSetUpsOwnPoliciesAllowASubmitAndOnlyTheirRole) {
  SetupOptions o;
  o.name = "t1";
  Desired d = MakeDesired(o, "123456789012", "eu-west-1");
  std::vector<std::string> group;
  for (const NamedPolicy& p : UserGroupPolicies(d)) group.push_back(p.document.dump());
  EXPECT_EQ(Evaluate(group, {"iam:PassRole", d.RoleArn(d.job_role)}), Decision::kAllowed);
  EXPECT_EQ(Evaluate(group, {"iam:PassRole", d.RoleArn("admin")}), Decision::kImplicitDeny);
  EXPECT_EQ(Evaluate(group, {"batch:SubmitJob", "arn:aws:batch:eu-west-1:123456789012:job-queue/" + d.queue}),
            Decision::kAllowed);
  EXPECT_EQ(Evaluate(group, {"logs:GetLogEvents",
                             "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/batch/"
                             "job:log-stream:x"}),
            Decision::kAllowed);
  std::vector<std::string> job = {JobRoleBucketPolicy(d).document.dump()};
  EXPECT_EQ(Evaluate(job, {"s3:PutObject", d.BucketArn() + "/work/x"}), Decision::kAllowed);
  EXPECT_EQ(Evaluate(job, {"s3:PutObject", "arn:aws:s3:::other/x"}), Decision::kImplicitDeny);
  // IAM returns documents percent-encoded.
  EXPECT_EQ(Evaluate({"%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3A%2A%22%2C"
                      "%22Resource%22%3A%22%2A%22%7D%5D%7D"},
                     {"s3:GetObject", "arn:aws:s3:::b/k"}),
            Decision::kAllowed);
}

}  // namespace
}  // namespace ferry::awssetup
