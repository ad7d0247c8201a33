// The retry decision AWS Batch makes after a failed job attempt: the
// retryStrategy's attempt budget and its evaluateOnExit rules (first match
// wins; glob patterns may end in '*'; no match means RETRY). Pure logic.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace awsemu {

struct EvaluateOnExit {
  std::string on_status_reason;  // "" = any
  std::string on_reason;
  std::string on_exit_code;
  bool retry = true;  // action RETRY (true) or EXIT (false)
};

struct RetryPolicy {
  int attempts = 1;  // 1..10
  std::vector<EvaluateOnExit> evaluate_on_exit;
};

// What a finished attempt looked like.
struct AttemptOutcome {
  std::string status_reason;     // e.g. "Host EC2 (instance i-...) terminated."
  std::string reason;            // container reason
  std::optional<int> exit_code;  // absent when the container never exited itself
};

// True when AWS's glob `pattern` matches `text`: exact, or a prefix match
// when the pattern ends with '*'.
bool GlobMatches(const std::string& pattern, const std::string& text);

// Whether the job gets another attempt after failed attempt number
// `attempts_done` (1-based).
bool ShouldRetry(const RetryPolicy& policy, int attempts_done, const AttemptOutcome& outcome);

}  // namespace awsemu
