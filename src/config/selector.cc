#include "config/selector.h"

#include <cctype>

namespace ferry::config {

Status SelectorPattern::Compile(const std::string& pattern, const SourceLoc& loc, SelectorPattern* out) {
  out->text_ = pattern;
  std::string body = pattern;
  out->negated_ = !body.empty() && body[0] == '!';
  if (out->negated_) body = body.substr(1);
  if (body.empty())
    return Status::Invalid(loc.ToString() + ": empty selector pattern '" + pattern + "' (name a label or task)");
  bool plain = true;
  for (char c : body)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != ':') plain = false;
  out->regex_.reset();
  out->literal_.clear();
  if (plain) {
    out->literal_ = body;
    return Status::Ok();
  }
  try {
    out->regex_ = std::make_shared<const std::regex>(body, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return Status::Invalid(loc.ToString() + ": selector pattern '" + pattern + "' is not a valid regular expression (" +
                           e.what() + "); quote plain names, use 'a|b' for alternatives and '.*' as a wildcard");
  }
  return Status::Ok();
}

bool SelectorPattern::MatchOne(std::string_view s) const {
  if (!regex_) return s == literal_;
  return std::regex_match(s.begin(), s.end(), *regex_);
}

bool SelectorPattern::MatchesName(std::string_view name) const { return MatchOne(name) != negated_; }

bool SelectorPattern::MatchesLabels(const std::vector<std::string>& labels) const {
  for (const auto& l : labels)
    if (MatchOne(l)) return !negated_;
  return negated_;
}

}  // namespace ferry::config
