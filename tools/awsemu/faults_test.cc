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
  FaultConfig back;
  ASSERT_TRUE(FaultConfig::FromJson(c.ToJson(), &back).ok());
  EXPECT_EQ(back.ToJson(), c.ToJson());
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
