#include "aws/rate_limiter.h"

#include <algorithm>
#include <thread>

namespace ferry::aws {

namespace {
// Slowest rate a run is throttled down to: one call a minute.
constexpr double kFloorPerSecond = 1.0 / 60.0;
// Successes after which a throttled rate climbs back by 20%.
constexpr int kRecoverAfter = 100;
// The bucket holds one token: calls are spaced evenly, so no one-second
// window ever sees more than the current rate (a larger burst would let a
// window see burst + rate).
constexpr double kCapacity = 1.0;
// Answers the throttling decision looks at.
constexpr size_t kWindow = 20;
}  // namespace

RateLimiter::RateLimiter(double per_second)
    : configured_(per_second),
      rate_(per_second),
      tokens_(kCapacity),
      last_(Clock::now()),
      window_start_(Clock::now()) {}

void RateLimiter::RefillLocked(Clock::time_point now) {
  if (rate_ <= 0) return;
  double secs = std::chrono::duration<double>(now - last_).count();
  if (secs > 0) tokens_ = std::min(kCapacity, tokens_ + secs * rate_);
  last_ = now;
}

bool RateLimiter::TryAcquire(std::chrono::milliseconds* wait) {
  std::lock_guard<std::mutex> l(mu_);
  Clock::time_point now = Clock::now();
  if (configured_ > 0) {
    RefillLocked(now);
    if (tokens_ < 1.0) {
      if (wait) {
        double secs = (1.0 - tokens_) / rate_;
        *wait = std::max(std::chrono::milliseconds(1),
                         std::chrono::milliseconds(static_cast<int64_t>(secs * 1000.0 + 0.999)));
      }
      return false;
    }
    tokens_ -= 1.0;
  }
  if (now - window_start_ >= std::chrono::seconds(1)) {
    window_start_ = now;
    window_count_ = 0;
  }
  peak_ = std::max(peak_, ++window_count_);
  return true;
}

void RateLimiter::Acquire() {
  std::chrono::milliseconds wait{0};
  while (!TryAcquire(&wait)) std::this_thread::sleep_for(wait);
}

void RateLimiter::NoteLocked(bool throttled) {
  recent_.push_back(throttled);
  recent_throttled_ += throttled;
  if (recent_.size() > kWindow) {
    recent_throttled_ -= recent_.front();
    recent_.pop_front();
  }
}

void RateLimiter::OnThrottled() {
  std::lock_guard<std::mutex> l(mu_);
  throttled_++;
  successes_ = 0;
  NoteLocked(true);
  if (configured_ <= 0) return;
  if (recent_throttled_ < 2 || recent_throttled_ * 4 < static_cast<int>(recent_.size())) return;
  RefillLocked(Clock::now());
  rate_ = std::max(kFloorPerSecond, rate_ / 2);
  recent_.clear();  // one burst halves once
  recent_throttled_ = 0;
}

void RateLimiter::OnSuccess() {
  std::lock_guard<std::mutex> l(mu_);
  NoteLocked(false);
  if (configured_ <= 0 || rate_ >= configured_) return;
  if (++successes_ < kRecoverAfter) return;
  successes_ = 0;
  RefillLocked(Clock::now());
  rate_ = std::min(configured_, rate_ * 1.2);
}

double RateLimiter::rate() const {
  std::lock_guard<std::mutex> l(mu_);
  return rate_;
}

double RateLimiter::configured() const {
  std::lock_guard<std::mutex> l(mu_);
  return configured_;
}

int RateLimiter::throttled_count() const {
  std::lock_guard<std::mutex> l(mu_);
  return throttled_;
}

int RateLimiter::peak_per_second() const {
  std::lock_guard<std::mutex> l(mu_);
  return peak_;
}

}  // namespace ferry::aws
