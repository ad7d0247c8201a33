#include "util/hash.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdint>

namespace ferry {

struct Hasher::Impl {
  EVP_MD_CTX* ctx = nullptr;
};

Hasher::Hasher() : impl_(std::make_unique<Impl>()) {
  impl_->ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(impl_->ctx, EVP_sha256(), nullptr);
}

Hasher::~Hasher() { EVP_MD_CTX_free(impl_->ctx); }

Hasher& Hasher::Add(std::string_view field) {
  uint64_t n = field.size();
  unsigned char len[8];
  for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>(n >> (8 * i));
  EVP_DigestUpdate(impl_->ctx, len, sizeof len);
  EVP_DigestUpdate(impl_->ctx, field.data(), field.size());
  return *this;
}

Hasher& Hasher::Add(int64_t n) { return Add(std::to_string(n)); }

std::string Hasher::HexDigest(size_t hex_chars) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(impl_->ctx, md, &len);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len && out.size() < hex_chars; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  out.resize(std::min(out.size(), hex_chars));
  return out;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

}  // namespace ferry
