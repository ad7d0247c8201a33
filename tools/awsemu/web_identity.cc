#include "awsemu/web_identity.h"

#include <nlohmann/json.hpp>

#include "aws/crypto.h"
#include "util/text.h"

namespace awsemu {

namespace aws = ferry::aws;

namespace {

bool Base64UrlDecode(std::string text, std::string* out) {
  for (char& c : text) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
  }
  while (text.size() % 4 != 0) text.push_back('=');
  return aws::Base64Decode(text, out);
}

std::string Base64UrlEncode(const std::string& bytes) {
  std::string s = aws::Base64Encode(bytes);
  while (!s.empty() && s.back() == '=') s.pop_back();
  for (char& c : s) {
    if (c == '+') c = '-';
    else if (c == '/') c = '_';
  }
  return s;
}

}  // namespace

TokenVerdict VerifyWebIdentityToken(const std::string& token, const std::string& key,
                                    std::chrono::system_clock::time_point now, WebIdentityClaims* out,
                                    std::string* why) {
  auto parts = ferry::Split(token, '.');
  std::string header, payload;
  if (parts.size() != 3 || !Base64UrlDecode(parts[0], &header) || !Base64UrlDecode(parts[1], &payload)) {
    *why = "the token is not a JWT (three base64url parts)";
    return TokenVerdict::kMalformed;
  }
  nlohmann::json h = nlohmann::json::parse(header, nullptr, false);
  nlohmann::json p = nlohmann::json::parse(payload, nullptr, false);
  if (!h.is_object() || h.value("alg", "") != "HS256" || !p.is_object()) {
    *why = "the token's header must say alg HS256 and its payload must be a JSON object";
    return TokenVerdict::kMalformed;
  }
  std::string expected = Base64UrlEncode(aws::HmacSha256(key, parts[0] + "." + parts[1]));
  if (!aws::ConstantTimeEquals(expected, parts[2])) {
    *why = "the token's signature does not verify";
    return TokenVerdict::kBadSignature;
  }
  for (const char* claim : {"iss", "sub", "aud"}) {
    if (!p.contains(claim) || !p[claim].is_string()) {
      *why = std::string("the token has no ") + claim + " claim";
      return TokenVerdict::kMalformed;
    }
  }
  if (p.contains("exp")) {
    if (!p["exp"].is_number() ||
        std::chrono::system_clock::from_time_t(static_cast<std::time_t>(p["exp"].get<double>())) <= now) {
      *why = "the token's exp has passed";
      return TokenVerdict::kExpired;
    }
  }
  out->issuer = p["iss"].get<std::string>();
  out->subject = p["sub"].get<std::string>();
  out->audience = p["aud"].get<std::string>();
  return TokenVerdict::kOk;
}

}  // namespace awsemu
