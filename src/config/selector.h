// Process selectors: `withLabel: pattern { ... }` and `withName: pattern { ... }`
// blocks and how a pattern matches a task, as Nextflow does it: the pattern
// is a regular expression that must match the whole name ('a|b' alternatives,
// 'count.*'), a leading '!' negates it, and withLabel matches when any of the
// task's labels matches (negated: when none does).
#pragma once

#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "util/source_loc.h"
#include "util/status.h"
#include "util/value.h"

namespace ferry::config {

class SelectorPattern {
 public:
  // Compiles `pattern`; errors name `loc` and say what is wrong with the regex.
  static Status Compile(const std::string& pattern, const SourceLoc& loc, SelectorPattern* out);

  bool MatchesName(std::string_view name) const;
  bool MatchesLabels(const std::vector<std::string>& labels) const;
  const std::string& text() const { return text_; }

 private:
  bool MatchOne(std::string_view s) const;
  std::string text_;  // as written, including any leading '!'
  bool negated_ = false;
  std::string literal_;  // set when the pattern has no regex characters (fast path)
  std::shared_ptr<const std::regex> regex_;
};

struct Selector {
  enum class Kind { kLabel, kName };
  Kind kind = Kind::kLabel;
  SelectorPattern pattern;
  ValueMap directives;
  SourceLoc loc;

  bool Matches(std::string_view task_name, const std::vector<std::string>& labels) const {
    return kind == Kind::kLabel ? pattern.MatchesLabels(labels) : pattern.MatchesName(task_name);
  }
};

}  // namespace ferry::config
