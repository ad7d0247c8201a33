#include "awsemu/batch_retry.h"

#include <gtest/gtest.h>

namespace awsemu {
namespace {

TEST(GlobMatches, ExactOrTrailingStarPrefix) {
  EXPECT_TRUE(GlobMatches("Host EC2*", "Host EC2 (instance i-0abc) terminated."));
  EXPECT_FALSE(GlobMatches("Host EC2*", "Essential container in task exited"));
  EXPECT_TRUE(GlobMatches("1", "1"));
  EXPECT_FALSE(GlobMatches("1", "137"));
  EXPECT_TRUE(GlobMatches("13*", "137"));
  EXPECT_TRUE(GlobMatches("*", ""));
}

TEST(ShouldRetry, AttemptBudget) {
  RetryPolicy p;
  p.attempts = 3;
  AttemptOutcome failed{"Essential container in task exited", "", 1};
  EXPECT_TRUE(ShouldRetry(p, 1, failed));
  EXPECT_TRUE(ShouldRetry(p, 2, failed));
  EXPECT_FALSE(ShouldRetry(p, 3, failed));
  EXPECT_FALSE(ShouldRetry(RetryPolicy{}, 1, failed));  // default: one attempt
}

TEST(ShouldRetry, FirstMatchingRuleDecidesAndNoMatchRetries) {
  RetryPolicy p;
  p.attempts = 5;
  p.evaluate_on_exit = {{"Host EC2*", "", "", true}, {"", "*", "", false}};
  AttemptOutcome spot{"Host EC2 (instance i-1) terminated.", "", std::nullopt};
  AttemptOutcome app{"Essential container in task exited", "", 2};
  EXPECT_TRUE(ShouldRetry(p, 1, spot));
  EXPECT_FALSE(ShouldRetry(p, 1, app));

  RetryPolicy by_code;
  by_code.attempts = 5;
  by_code.evaluate_on_exit = {{"", "", "2", false}};
  EXPECT_FALSE(ShouldRetry(by_code, 1, app));
  // No exit code: an exit-code rule cannot match, so the default (retry) holds.
  EXPECT_TRUE(ShouldRetry(by_code, 1, spot));
}

}  // namespace
}  // namespace awsemu
