// Small text helpers shared across modules: splitting, trimming, and the
// "did you mean" suggestion used by every unknown-name error.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ferry {

std::vector<std::string> Split(std::string_view s, char sep);
std::string_view Trim(std::string_view s);
std::string Join(const std::vector<std::string>& parts, std::string_view sep);
bool StartsWith(std::string_view s, std::string_view prefix);
bool EndsWith(std::string_view s, std::string_view suffix);
std::string ToLower(std::string_view s);

// Levenshtein distance (case-insensitive).
int EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `name` if it is close enough to be a likely typo,
// else "". Used to build "did you mean 'x'?" hints.
std::string ClosestMatch(std::string_view name, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "" when nothing is close.
std::string DidYouMean(std::string_view name, const std::vector<std::string>& candidates);

// Quote for a POSIX shell: returns s unchanged if it only has safe characters,
// else wraps it in single quotes (with ' written as '\'').
std::string ShellQuote(std::string_view s);

}  // namespace ferry
