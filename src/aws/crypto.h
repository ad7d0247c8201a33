// Hashing and encoding primitives the AWS code needs (SHA-256, HMAC-SHA256,
// MD5, hex, base64), thin wrappers over OpenSSL so callers never touch its C
// API. Streaming hashers let large transfers hash while they copy.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace ferry::aws {

std::string HexEncode(std::string_view bytes);  // lower-case
std::string Base64Encode(std::string_view bytes);
// Decodes standard base64; returns false on malformed input.
bool Base64Decode(std::string_view text, std::string* out);

std::string Sha256(std::string_view data);                            // raw 32 bytes
std::string Sha256Hex(std::string_view data);                         // 64 hex chars
std::string HmacSha256(std::string_view key, std::string_view data);  // raw 32 bytes
std::string Md5(std::string_view data);                               // raw 16 bytes
std::string Sha1Hex(std::string_view data);  // 40 hex chars (the SSO token cache names its files so)

// Incremental hash (kind "md5" or "sha256"). Copyable state is not needed.
class Hasher {
 public:
  enum class Kind { kMd5, kSha256 };
  explicit Hasher(Kind kind);
  ~Hasher();
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;
  void Update(const void* data, size_t size);
  void Update(std::string_view data) { Update(data.data(), data.size()); }
  std::string Final();  // raw digest; the hasher is reset afterwards

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  Kind kind_;
};

// Constant-time comparison, for signatures.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace ferry::aws
