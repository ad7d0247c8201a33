// The AWS "standard" retry mode, as pure logic: which failures are retried
// (throttling, 5xx, transient network errors), how long to wait (exponential
// backoff with full jitter, capped), and the retry quota that stops a client
// from retrying hard against a service that is down. aws_client.h applies it.
#pragma once

#include <chrono>
#include <mutex>
#include <string>

namespace ferry::aws {

enum class RetryKind {
  kNone,       // not retryable (4xx, local errors)
  kThrottle,   // 429, Throttling, SlowDown, ...
  kTransient,  // 500/502/503/504, connection reset/refused, InternalError
  kTimeout,    // the request timed out
};

// http_status 0 means no response; curl_code 0 means the transfer completed.
RetryKind ClassifyFailure(int http_status, const std::string& aws_code, int curl_code);
const char* RetryKindName(RetryKind k);

struct RetryPolicy {
  int max_attempts = 3;  // standard mode default; AWS_MAX_ATTEMPTS overrides
  std::chrono::milliseconds base_delay{1000};
  std::chrono::milliseconds max_backoff{20000};
};

// Delay before attempt `next_attempt` (2 = first retry), given a uniform
// random number in [0,1): random * min(max_backoff, base * 2^(attempt-2)).
std::chrono::milliseconds BackoffDelay(const RetryPolicy& p, int next_attempt, double random01);

// Token bucket shared by all requests of a client (standard mode: 500 tokens,
// a retry costs 5, a retry after a timeout 10, a success refunds what its
// retries took or adds 1).
class RetryQuota {
 public:
  explicit RetryQuota(int capacity = 500) : capacity_(capacity), tokens_(capacity) {}
  // Takes the cost of one retry; false when the quota is exhausted.
  bool Acquire(RetryKind kind, int* cost);
  // A request succeeded; `cost` is what its retries took (0 if none).
  void Release(int cost);
  int tokens() const;

 private:
  mutable std::mutex mu_;
  int capacity_, tokens_;
};

}  // namespace ferry::aws
