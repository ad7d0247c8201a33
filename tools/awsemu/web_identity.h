// The emulator's rule for web identity tokens (AssumeRoleWithWebIdentity):
// a token is a JWT signed with HS256 under the emulator's --secret-key, so a
// test can mint one (header.payload.signature, base64url, no padding) and a
// changed or foreign token fails. Its payload must carry "iss", "sub" and
// "aud" (a string); "exp" (seconds since the epoch), when present, must lie
// ahead. Pure.
#pragma once

#include <chrono>
#include <string>

namespace awsemu {

struct WebIdentityClaims {
  std::string issuer, subject, audience;
};

enum class TokenVerdict { kOk, kMalformed, kBadSignature, kExpired };

TokenVerdict VerifyWebIdentityToken(const std::string& token, const std::string& key,
                                    std::chrono::system_clock::time_point now, WebIdentityClaims* out,
                                    std::string* why);

}  // namespace awsemu
