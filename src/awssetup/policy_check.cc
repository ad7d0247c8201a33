#include "awssetup/policy_check.h"

#include <cctype>

#include <nlohmann/json.hpp>

#include "awssetup/policies.h"

namespace ferry::awssetup {

namespace {

using nlohmann::json;

std::vector<std::string> Strings(const json& v) {
  std::vector<std::string> out;
  if (v.is_string()) out.push_back(v.get<std::string>());
  if (v.is_array())
    for (const json& e : v)
      if (e.is_string()) out.push_back(e.get<std::string>());
  return out;
}

bool AnyMatches(const json& patterns, const std::string& text, bool ignore_case) {
  for (const std::string& p : Strings(patterns))
    if (PolicyMatch(p, text, ignore_case)) return true;
  return false;
}

// Whether statement `st` speaks about `r` at all; false for the kinds this
// evaluation does not decide.
bool Covers(const json& st, const PolicyRequest& r) {
  for (const char* k : {"Condition", "NotAction", "NotResource", "NotPrincipal"})
    if (st.contains(k)) return false;
  return AnyMatches(st.value("Action", json()), r.action, true) &&
         AnyMatches(st.value("Resource", json()), r.resource, false);
}

}  // namespace

bool PolicyMatch(const std::string& pattern, const std::string& text, bool ignore_case) {
  auto same = [&](char a, char b) {
    return ignore_case ? std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b))
                       : a == b;
  };
  // Greedy match with one backtrack point per `*`: linear in practice.
  size_t p = 0, t = 0, star = std::string::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || (pattern[p] != '*' && same(pattern[p], text[t])))) {
      ++p, ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

Decision Evaluate(const std::vector<std::string>& documents, const PolicyRequest& request) {
  bool allowed = false;
  for (const std::string& text : documents) {
    json doc;
    if (!ParsePolicyDocument(text, &doc)) continue;
    const json& statements = doc["Statement"];
    for (const json& st : statements.is_array() ? statements : json::array({statements})) {
      if (!st.is_object() || !Covers(st, request)) continue;
      std::string effect = st.value("Effect", "");
      if (effect == "Deny") return Decision::kExplicitDeny;
      if (effect == "Allow") allowed = true;
    }
  }
  return allowed ? Decision::kAllowed : Decision::kImplicitDeny;
}

}  // namespace ferry::awssetup
