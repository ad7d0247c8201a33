#include "aws/retry.h"

#include <algorithm>
#include <array>
#include <string_view>

namespace ferry::aws {

namespace {
constexpr std::array<std::string_view, 16> kThrottleCodes = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
    "ThrottlingError",
    "RequestTimeTooSkewed",  // a clock-skew correction is worth one more try
};
constexpr std::array<std::string_view, 5> kTransientCodes = {"RequestTimeout", "RequestTimeoutException",
                                                             "InternalError", "InternalFailure", "ServiceUnavailable"};

// CURLcode values (kept numeric so this file stays free of curl).
constexpr int kCurlCouldntConnect = 7;
constexpr int kCurlPartialFile = 18;
constexpr int kCurlOperationTimedout = 28;
constexpr int kCurlSslConnectError = 35;
constexpr int kCurlGotNothing = 52;
constexpr int kCurlSendError = 55;
constexpr int kCurlRecvError = 56;
constexpr int kCurlHttp2 = 16;
constexpr int kCurlHttp2Stream = 92;
}  // namespace

RetryKind ClassifyFailure(int http_status, const std::string& aws_code, int curl_code) {
  if (curl_code != 0) {
    switch (curl_code) {
      case kCurlOperationTimedout: return RetryKind::kTimeout;
      case kCurlCouldntConnect:
      case kCurlPartialFile:
      case kCurlSslConnectError:
      case kCurlGotNothing:
      case kCurlSendError:
      case kCurlRecvError:
      case kCurlHttp2:
      case kCurlHttp2Stream: return RetryKind::kTransient;
      default: return RetryKind::kNone;
    }
  }
  if (std::find(kThrottleCodes.begin(), kThrottleCodes.end(), aws_code) != kThrottleCodes.end())
    return RetryKind::kThrottle;
  if (http_status == 429) return RetryKind::kThrottle;
  if (std::find(kTransientCodes.begin(), kTransientCodes.end(), aws_code) != kTransientCodes.end())
    return RetryKind::kTransient;
  if (http_status == 500 || http_status == 502 || http_status == 503 || http_status == 504)
    return RetryKind::kTransient;
  return RetryKind::kNone;
}

const char* RetryKindName(RetryKind k) {
  switch (k) {
    case RetryKind::kThrottle: return "throttled";
    case RetryKind::kTransient: return "transient error";
    case RetryKind::kTimeout: return "timeout";
    default: return "not retryable";
  }
}

std::chrono::milliseconds BackoffDelay(const RetryPolicy& p, int next_attempt, double random01) {
  int exp = std::clamp(next_attempt - 2, 0, 30);
  double cap = std::min<double>(static_cast<double>(p.max_backoff.count()),
                                static_cast<double>(p.base_delay.count()) * static_cast<double>(1LL << exp));
  return std::chrono::milliseconds(static_cast<long long>(random01 * cap));
}

bool RetryQuota::Acquire(RetryKind kind, int* cost) {
  std::lock_guard<std::mutex> lock(mu_);
  int c = kind == RetryKind::kTimeout ? 10 : 5;
  if (tokens_ < c) return false;
  tokens_ -= c;
  *cost += c;
  return true;
}

void RetryQuota::Release(int cost) {
  std::lock_guard<std::mutex> lock(mu_);
  tokens_ = std::min(capacity_, tokens_ + (cost > 0 ? cost : 1));
}

int RetryQuota::tokens() const {
  std::lock_guard<std::mutex> lock(mu_);
  return tokens_;
}

}  // namespace ferry::aws
