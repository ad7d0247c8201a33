#include "awsemu/faults.h"

#include <gtest/gtest.h>

namespace awsemu {
namespace {

TEST(FaultConfig, FlagsSetPerServiceAndGlobalValues) {
  FaultConfig c;
  ASSERT_TRUE(c.ApplyFlag("throttle.s3=0.5").ok());
  ASSERT_TRUE(c.ApplyFlag("throttle=0.1").ok());
  ASSERT_TRUE(c.ApplyFlag("latency_ms=20").ok());
  ASSERT_TRUE(c.ApplyFlag("hold_runnable=true").ok());
  EXPECT_DOUBLE_EQ(c.throttle.For("s3"), 0.5);
  EXPECT_DOUBLE_EQ(c.throttle.For("logs"), 0.1);
  EXPECT_EQ(c.latency_ms, 20);
  EXPECT_TRUE(c.hold_runnable);
}

TEST(FaultConfig, BadFlagsSayWhatIsWrong) {
  FaultConfig c;
  EXPECT_NE(c.ApplyFlag("throttle").message().find("NAME=VALUE"), std::string::npos);
  EXPECT_NE(c.ApplyFlag("throttle=1.5").message().find("between 0 and 1"), std::string::npos);
  EXPECT_NE(c.ApplyFlag("throtle=0.1").message().find("did you mean 'throttle'"), std::string::npos);
  EXPECT_NE(c.ApplyFlag("latency_ms.s3=5").message().find("not per service"), std::string::npos);
  EXPECT_NE(c.ApplyFlag("throttle.ec2=0.1").message().find("unknown service 'ec2'"), std::string::npos);
}

TEST(FaultConfig, JsonRoundTrip) {
  FaultConfig c;
  ASSERT_TRUE(c.ApplyFlag("error_503.batch=0.25").ok());
  ASSERT_TRUE(c.ApplyFlag("host_termination=1").ok());
  ASSERT_TRUE(c.ApplyFlag("host_termination_per_attempt=0.1").ok());
  FaultConfig back;
  ASSERT_TRUE(FaultConfig::FromJson(c.ToJson(), &back).ok());
  EXPECT_EQ(back.ToJson(), c.ToJson());
  EXPECT_EQ(back.host_termination, 1.0);
  EXPECT_EQ(back.host_termination_per_attempt, 0.1);
  EXPECT_NE(c.ApplyFlag("host_termination_per_attempt=2").message().find("between 0 and 1"), std::string::npos);
}

TEST(Faults, DrawsFollowProbabilitiesAndSeed) {
  FaultConfig c;
  ASSERT_TRUE(c.ApplyFlag("throttle.s3=1").ok());
  ASSERT_TRUE(c.ApplyFlag("seed=1").ok());
  Faults f(c);
  int latency = -1;
  EXPECT_EQ(f.Draw("s3", &latency), Fault::kThrottle);
  EXPECT_EQ(f.Draw("logs", &latency), Fault::kNone);
  EXPECT_EQ(latency, 0);

  FaultConfig half;
  ASSERT_TRUE(half.ApplyFlag("error_500=0.5").ok());
  ASSERT_TRUE(half.ApplyFlag("seed=42").ok());
  Faults a(half), b(half);
  int hits = 0;
  for (int i = 0; i < 1000; ++i) {
    Fault fa = a.Draw("sts", &latency);
    EXPECT_EQ(fa, b.Draw("sts", &latency));  // same seed, same sequence
    hits += fa == Fault::kError500;
  }
  EXPECT_GT(hits, 400);
  EXPECT_LT(hits, 600);
}

TEST(Faults, ResetReturnsToStartupSettings) {
  FaultConfig c;
  ASSERT_TRUE(c.ApplyFlag("hold_runnable=true").ok());
  Faults f(c);
  f.Set(FaultConfig{});
  EXPECT_FALSE(f.hold_runnable());
  f.Reset();
  EXPECT_TRUE(f.hold_runnable());
}

}  // namespace
}  // namespace awsemu

namespace awsemu {
namespace {

TEST(DenyFault, FlagAndJsonFormsRoundTrip) {
  FaultConfig c;
  ASSERT_TRUE(c.ApplyFlag("deny=s3:PutObject:results").ok());
  ASSERT_TRUE(c.ApplyFlag("deny=s3:*").ok());
  ASSERT_TRUE(c.ApplyFlag("throttle.s3=0.5").ok());  // other knobs keep the rules
  ASSERT_EQ(c.deny.size(), 2u);
  EXPECT_EQ(c.deny[0].action, "s3:PutObject");
  EXPECT_EQ(c.deny[0].bucket, "results");
  EXPECT_EQ(c.deny[1].bucket, "");
  EXPECT_EQ(c.ToJson()["deny"][0], (nlohmann::json{{"action", "s3:PutObject"}, {"bucket", "results"}}));
  FaultConfig back;
  ASSERT_TRUE(FaultConfig::FromJson(c.ToJson(), &back).ok());
  EXPECT_EQ(back.ToJson(), c.ToJson());
}

TEST(DenyFault, BadRulesSayWhatIsWrong) {
  FaultConfig c;
  EXPECT_NE(c.ApplyFlag("deny=PutObject").message().find("not an S3 action"), std::string::npos);
  FaultConfig out;
  auto msg = [&](const char* text) { return FaultConfig::FromJson(nlohmann::json::parse(text), &out).message(); };
  EXPECT_NE(msg(R"({"deny": {"action": "s3:PutObject"}})").find("expected a list"), std::string::npos);
  EXPECT_NE(msg(R"({"deny": [{"bucket": "b"}]})").find("each entry"), std::string::npos);
  EXPECT_NE(msg(R"({"deny": [{"action": "s3:GetObject", "buckett": "b"}]})").find("unknown field 'buckett'"),
            std::string::npos);
}

TEST(S3Access, OperationsMapToTheirIamActions) {
  auto actions = [](const char* op) {
    std::vector<std::string> out;
    for (const auto& a : S3ActionsFor(op, "b", "k", "")) out.push_back(a.action);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(actions("GetObject"), V{"s3:GetObject"});
  EXPECT_EQ(actions("HeadObject"), V{"s3:GetObject"});
  EXPECT_EQ(actions("PutObject"), V{"s3:PutObject"});
  EXPECT_EQ(actions("UploadPart"), V{"s3:PutObject"});
  EXPECT_EQ(actions("CompleteMultipartUpload"), V{"s3:PutObject"});
  EXPECT_EQ(actions("ListObjectsV2"), V{"s3:ListBucket"});
  EXPECT_EQ(actions("HeadBucket"), V{"s3:ListBucket"});
  EXPECT_EQ(actions("DeleteObjects"), V{"s3:DeleteObject"});
  auto copy = S3ActionsFor("CopyObject", "dest", "out/k", "/src%2Dbucket/some/key?versionId=1");
  ASSERT_EQ(copy.size(), 2u);
  EXPECT_EQ(copy[0].action, "s3:GetObject");
  EXPECT_EQ(copy[0].bucket, "src-bucket");
  // The source's own object is what a policy's Resource must name (it was
  // the destination's ARN before, so a public source bucket could not be
  // copied from and a public destination let anyone read any bucket).
  EXPECT_EQ(copy[0].Arn(), "arn:aws:s3:::src-bucket/some/key");
  EXPECT_EQ(copy[1].action, "s3:PutObject");
  EXPECT_EQ(copy[1].Arn(), "arn:aws:s3:::dest/out/k");
  EXPECT_EQ(S3ActionsFor("ListObjectsV2", "b", "", "")[0].Arn(), "arn:aws:s3:::b");
}

TEST(S3Access, RulesMatchActionAndBucket) {
  std::vector<DenyRule> rules = {{"s3:PutObject", "out"}};
  std::vector<IamAction> put_out = {{"s3:PutObject", "out", ""}};
  std::vector<IamAction> put_other = {{"s3:PutObject", "other", ""}};
  std::vector<IamAction> get_out = {{"s3:GetObject", "out", ""}};
  EXPECT_NE(FirstDenied(rules, put_out), nullptr);
  EXPECT_EQ(FirstDenied(rules, put_other), nullptr);
  EXPECT_EQ(FirstDenied(rules, get_out), nullptr);
  std::vector<DenyRule> all = {{"s3:*", "out"}};
  EXPECT_NE(FirstDenied(all, get_out), nullptr);
  std::vector<DenyRule> any_bucket = {{"S3:getobject", ""}};
  EXPECT_NE(FirstDenied(any_bucket, get_out), nullptr);
}

}  // namespace
}  // namespace awsemu
