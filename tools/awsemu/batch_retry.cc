#include "awsemu/batch_retry.h"

namespace awsemu {

bool GlobMatches(const std::string& pattern, const std::string& text) {
  if (!pattern.empty() && pattern.back() == '*')
    return text.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0;
  return pattern == text;
}

bool ShouldRetry(const RetryPolicy& policy, int attempts_done, const AttemptOutcome& outcome) {
  if (attempts_done >= policy.attempts) return false;
  for (const EvaluateOnExit& rule : policy.evaluate_on_exit) {
    // Every condition the rule names must hold; an exit-code condition
    // cannot hold for an attempt that has no exit code.
    if (!rule.on_status_reason.empty() && !GlobMatches(rule.on_status_reason, outcome.status_reason)) continue;
    if (!rule.on_reason.empty() && !GlobMatches(rule.on_reason, outcome.reason)) continue;
    if (!rule.on_exit_code.empty() &&
        !(outcome.exit_code && GlobMatches(rule.on_exit_code, std::to_string(*outcome.exit_code))))
      continue;
    return rule.retry;
  }
  return true;
}

}  // namespace awsemu
