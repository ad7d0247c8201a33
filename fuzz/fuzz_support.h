// What the fuzz targets in fuzz/ share: Check, which turns a broken promise
// into an abort (libFuzzer then saves the input as a crash-* file), and the
// plain-text request format the SigV4 and emulator targets read.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ferry::fuzz {

// Aborts with `what` and `detail` when `ok` is false.
inline void Check(bool ok, const char* what, const std::string& detail = "") {
  if (ok) return;
  std::fprintf(stderr, "fuzz check failed: %s\n%s\n", what, detail.c_str());
  std::abort();
}

// A request as fuzz input, in HTTP/1.1's own layout (so the AWS SigV4 test
// vectors' request.txt files are seeds as they are): the line
// "METHOD TARGET [HTTP/1.1]", then "Name: value" header lines up to an empty
// line, then the body. Only what an HTTP server can deliver is kept: header names that
// are tokens (RFC 9110) and values without CR, LF or NUL.
struct FuzzRequest {
  std::string method;
  std::string target;
  std::string path;   // target before '?'
  std::string query;  // after '?', still encoded
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<std::string> raw_header_values;  // every value as sent, for parsers fed hostile text
  std::string body;
};

inline std::string NextLine(std::string_view* rest) {
  size_t nl = rest->find('\n');
  std::string line(rest->substr(0, nl));
  *rest = nl == std::string_view::npos ? std::string_view() : rest->substr(nl + 1);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

inline bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (c <= 0x20 || c >= 0x7f ||
        std::string_view("\"(),/:;<=>?@[\\]{}").find(static_cast<char>(c)) != std::string_view::npos)
      return false;
  }
  return true;
}

inline FuzzRequest ParseFuzzRequest(std::string_view text) {
  FuzzRequest r;
  std::string request_line = NextLine(&text);
  size_t space = request_line.find(' ');
  r.method = request_line.substr(0, space);
  if (space != std::string::npos) {
    r.target = request_line.substr(space + 1);
    size_t version = r.target.rfind(" HTTP/");
    if (version != std::string::npos) r.target.resize(version);
  }
  size_t q = r.target.find('?');
  r.path = r.target.substr(0, q);
  r.query = q == std::string::npos ? "" : r.target.substr(q + 1);
  while (!text.empty()) {
    std::string line = NextLine(&text);
    if (line.empty()) break;
    size_t colon = line.find(':');
    std::string name = line.substr(0, colon);
    std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
    size_t lead = value.find_first_not_of(' ');
    value = lead == std::string::npos ? "" : value.substr(lead);
    r.raw_header_values.push_back(value);
    if (!IsToken(name)) continue;
    std::string clean;
    for (char c : value) {
      if (c != '\r' && c != '\0') clean += c;
    }
    r.headers.emplace_back(name, clean);
  }
  r.body = std::string(text);
  return r;
}

}  // namespace ferry::fuzz
