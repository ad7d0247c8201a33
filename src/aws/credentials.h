// AWS credentials as ferry holds them: the key pair, an optional session token
// and an optional expiry. Pure data; where credentials come from is
// credential_chain.h. The secret and token must never be printed: use
// MaskedAccessKey() for anything shown to a user.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace ferry::aws {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty when the keys are long-lived
  std::optional<std::chrono::system_clock::time_point> expiration;

  bool empty() const { return access_key_id.empty() || secret_access_key.empty(); }
};

// "****************ABCD": all but the last 4 characters masked.
std::string MaskedAccessKey(const std::string& access_key_id);

}  // namespace ferry::aws
