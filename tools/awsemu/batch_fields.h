// Reading fields of Batch request bodies with the errors AWS gives for
// missing or mistyped members (ClientException, HTTP 400).
#pragma once

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "awsemu/batch_model.h"

namespace awsemu {

// Batch's field readers throw; BatchService's operation table catches the
// EmuError and answers with it, so nothing is thrown out of the service.
[[noreturn]] inline void ThrowClient(const std::string& message) { throw EmuError::Client("ClientException", message); }

inline std::string ReqStr(const nlohmann::json& in, const char* key) {
  auto it = in.find(key);
  if (it == in.end() || it->is_null() || (it->is_string() && it->get<std::string>().empty()))
    ThrowClient(std::string(key) + " is required");
  if (!it->is_string()) ThrowClient(std::string(key) + " must be a string");
  return it->get<std::string>();
}

inline std::string OptStr(const nlohmann::json& in, const char* key, const std::string& dflt = "") {
  auto it = in.find(key);
  if (it == in.end() || it->is_null()) return dflt;
  if (!it->is_string()) ThrowClient(std::string(key) + " must be a string");
  return it->get<std::string>();
}

inline std::optional<int64_t> OptInt(const nlohmann::json& in, const char* key) {
  auto it = in.find(key);
  if (it == in.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer()) ThrowClient(std::string(key) + " must be an integer");
  return it->get<int64_t>();
}

inline std::vector<std::string> OptStrList(const nlohmann::json& in, const char* key) {
  std::vector<std::string> out;
  auto it = in.find(key);
  if (it == in.end() || it->is_null()) return out;
  if (!it->is_array()) ThrowClient(std::string(key) + " must be a list of strings");
  for (const auto& v : *it) {
    if (!v.is_string()) ThrowClient(std::string(key) + " must be a list of strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

inline std::map<std::string, std::string> OptStrMap(const nlohmann::json& in, const char* key) {
  std::map<std::string, std::string> out;
  auto it = in.find(key);
  if (it == in.end() || it->is_null()) return out;
  if (!it->is_object()) ThrowClient(std::string(key) + " must be a map of strings");
  for (const auto& [k, v] : it->items()) {
    if (!v.is_string()) ThrowClient(std::string(key) + "." + k + " must be a string");
    out[k] = v.get<std::string>();
  }
  return out;
}

// maxResults / nextToken paging over an already ordered list: returns the
// [begin, end) slice and the token for the rest ("" when done).
inline std::pair<size_t, size_t> PageSlice(const nlohmann::json& in, size_t total, size_t default_max, size_t max_max,
                                           std::string* next_token) {
  size_t start = 0;
  std::string token = OptStr(in, "nextToken");
  if (!token.empty()) {
    // Tokens are "o" + offset; anything else is not one of ours.
    if (token.size() < 2 || token[0] != 'o' || token.find_first_not_of("0123456789", 1) != std::string::npos)
      ThrowClient("Invalid nextToken");
    start = std::stoull(token.substr(1));
  }
  size_t max = default_max;
  if (auto m = OptInt(in, "maxResults")) {
    if (*m < 1 || static_cast<size_t>(*m) > max_max)
      ThrowClient("maxResults must be between 1 and " + std::to_string(max_max));
    max = static_cast<size_t>(*m);
  }
  start = std::min(start, total);
  size_t end = std::min(total, start + max);
  next_token->clear();
  if (end < total) *next_token = "o" + std::to_string(end);
  return {start, end};
}

// The reply of a Describe*/List* call: the page of `list` that maxResults and
// nextToken select (see PageSlice), each item shown by `view`, under `key`,
// with the token for the rest when there is more.
template <class Item, class View>
nlohmann::json PagedList(const nlohmann::json& in, const std::vector<const Item*>& list, size_t default_max,
                         size_t max_max, const char* key, View view) {
  std::string token;
  auto [b, e] = PageSlice(in, list.size(), default_max, max_max, &token);
  nlohmann::json out = {{key, nlohmann::json::array()}};
  for (size_t i = b; i < e; ++i) out[key].push_back(view(*list[i]));
  if (!token.empty()) out["nextToken"] = token;
  return out;
}

}  // namespace awsemu
