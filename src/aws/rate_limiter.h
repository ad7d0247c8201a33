// RateLimiter: one token bucket that every AWS Batch control-plane call of a
// process draws from, so a run never exceeds the account's request rate
// (Batch allows 50 calls/s per account and region). When throttling answers
// pile up (at least 2, and at least a quarter of the last 20 answers) the
// rate halves (down to a floor of one call a minute); a stray throttle among
// many successes does not, or random throttling would ratchet the rate down
// to the floor. It climbs back by 20% after every 100 successes, up to the
// configured rate. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>

namespace ferry::aws {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  // per_second <= 0: unlimited.
  explicit RateLimiter(double per_second);

  // Takes a token if one is available now; otherwise returns false and sets
  // *wait (when not null) to how long until the next one.
  bool TryAcquire(std::chrono::milliseconds* wait = nullptr);
  // Blocks until a token is available, then takes it.
  void Acquire();

  void OnThrottled();  // a throttled answer: may halve the current rate
  void OnSuccess();    // count towards recovery

  double rate() const;          // current calls per second
  double configured() const;    // the ceiling given at construction
  int throttled_count() const;  // how many times OnThrottled() was called
  // Most tokens taken within any one-second window so far (the peak rate
  // actually used, for benchmarks).
  int peak_per_second() const;

 private:
  void RefillLocked(Clock::time_point now);
  mutable std::mutex mu_;
  double configured_, rate_, tokens_;
  Clock::time_point last_;
  int successes_ = 0, throttled_ = 0;
  // The last answers, oldest first (true = throttled), cleared on halving.
  std::deque<bool> recent_;
  int recent_throttled_ = 0;
  void NoteLocked(bool throttled);
  // Sliding window for peak_per_second(): start of the current second and
  // how many were taken in it (approximation good to one window).
  Clock::time_point window_start_;
  int window_count_ = 0, peak_ = 0;
};

}  // namespace ferry::aws
