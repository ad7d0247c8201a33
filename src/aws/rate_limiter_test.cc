// The shared Batch rate limiter: calls are spaced at the configured rate, a
// throttling answer halves it (never below one a minute), and 100 successes
// bring it back up by 20% at a time, never beyond the configured ceiling.
#include "aws/rate_limiter.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace ferry::aws {
namespace {

using Clock = std::chrono::steady_clock;

TEST(RateLimiter, SpacesCallsAtTheConfiguredRate) {
  RateLimiter l(50);
  auto start = Clock::now();
  for (int i = 0; i < 26; i++) l.Acquire();
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  // 25 waits of 20 ms after the first token.
  EXPECT_GE(secs, 0.45);
  EXPECT_LT(secs, 2.0);
  EXPECT_LE(l.peak_per_second(), 50);
}

TEST(RateLimiter, TryAcquireSaysHowLongToWait) {
  RateLimiter l(10);
  std::chrono::milliseconds wait{0};
  EXPECT_TRUE(l.TryAcquire(&wait));
  EXPECT_FALSE(l.TryAcquire(&wait));
  EXPECT_GT(wait.count(), 50);
  EXPECT_LE(wait.count(), 100);
  std::this_thread::sleep_for(wait);
  EXPECT_TRUE(l.TryAcquire(&wait));
}

TEST(RateLimiter, PeakNeverExceedsTheRateUnderContention) {
  RateLimiter l(40);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; t++)
    threads.emplace_back([&] {
      for (int i = 0; i < 15; i++) l.Acquire();
    });
  for (auto& t : threads) t.join();
  EXPECT_LE(l.peak_per_second(), 40);
  EXPECT_GE(l.peak_per_second(), 30);
}

TEST(RateLimiter, ThrottlingHalvesDownToTheFloorAndSuccessesRecover) {
  RateLimiter l(50);
  l.OnThrottled();  // one stray throttle: not yet
  EXPECT_DOUBLE_EQ(l.rate(), 50);
  l.OnThrottled();
  EXPECT_DOUBLE_EQ(l.rate(), 25);
  EXPECT_EQ(l.throttled_count(), 2);
  for (int i = 0; i < 99; i++) l.OnSuccess();
  EXPECT_DOUBLE_EQ(l.rate(), 25);
  l.OnSuccess();
  EXPECT_DOUBLE_EQ(l.rate(), 30);
  for (int i = 0; i < 2000; i++) l.OnSuccess();
  EXPECT_DOUBLE_EQ(l.rate(), 50);  // capped at the configured rate
  for (int i = 0; i < 60; i++) l.OnThrottled();
  EXPECT_NEAR(l.rate(), 1.0 / 60.0, 1e-9);
  EXPECT_DOUBLE_EQ(l.configured(), 50);
}

TEST(RateLimiter, StrayThrottlesAmongSuccessesDoNotRatchetTheRateDown) {
  // 10% of answers throttled at random, as under fault injection: the rate
  // must stay usable.
  RateLimiter l(50);
  for (int i = 0; i < 5000; i++) {
    if (i % 10 == 3) l.OnThrottled();
    else l.OnSuccess();
  }
  EXPECT_GE(l.rate(), 25);
  // A real burst (every answer throttled) still slows it at once.
  for (int i = 0; i < 4; i++) l.OnThrottled();
  EXPECT_LE(l.rate(), 25);
}

TEST(RateLimiter, ThrottledRateSlowsTheNextCalls) {
  RateLimiter l(100);
  for (int i = 0; i < 4; i++) l.OnThrottled();  // 25/s: 40 ms apart
  std::chrono::milliseconds wait{0};
  while (!l.TryAcquire(&wait)) std::this_thread::sleep_for(wait);
  EXPECT_FALSE(l.TryAcquire(&wait));
  EXPECT_GT(wait.count(), 20);
}

TEST(RateLimiter, ZeroMeansUnlimited) {
  RateLimiter l(0);
  for (int i = 0; i < 1000; i++) ASSERT_TRUE(l.TryAcquire());
  EXPECT_EQ(l.peak_per_second(), 1000);
}

}  // namespace
}  // namespace ferry::aws
