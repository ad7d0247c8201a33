#include "util/hash.h"

#include <openssl/evp.h>
#include <xxhash.h>

#include <algorithm>
#include <cstdint>

namespace ferry {

// Fields are collected in one buffer and digested once: a task identity is
// a few hundred bytes in dozens of fields, and one digest call is much
// cheaper than a digest update per field.
struct Hasher::Impl {
  std::string buf;
};

Hasher::Hasher() : impl_(std::make_unique<Impl>()) {}

Hasher::~Hasher() = default;

Hasher& Hasher::Add(std::string_view field) {
  uint64_t n = field.size();
  char len[8];
  for (int i = 0; i < 8; ++i) len[i] = static_cast<char>(n >> (8 * i));
  impl_->buf.append(len, sizeof len);
  impl_->buf.append(field.data(), field.size());
  return *this;
}

Hasher& Hasher::Add(int64_t n) { return Add(std::to_string(n)); }

namespace {
// OpenSSL 3 looks the algorithm up by name on every EVP_Digest call unless
// given a fetched one; fetch it once.
const EVP_MD* Sha256Algorithm() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md ? md : EVP_sha256();
}
}  // namespace

std::string Hasher::HexDigest(size_t hex_chars) {
  XXH128_hash_t h = XXH3_128bits(impl_->buf.data(), impl_->buf.size());
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (uint64_t part : {h.high64, h.low64}) {
    for (int shift = 60; shift >= 0; shift -= 4) out += hex[(part >> shift) & 15];
  }
  out.resize(std::min(out.size(), hex_chars));
  return out;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, Sha256Algorithm(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

}  // namespace ferry
