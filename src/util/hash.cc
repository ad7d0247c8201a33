#include "util/hash.h"

#include <xxhash.h>

#include <algorithm>
#include <cstdint>

namespace ferry {

Hasher& Hasher::Add(std::string_view field) {
  uint64_t n = field.size();
  char len[8];
  for (int i = 0; i < 8; ++i) len[i] = static_cast<char>(n >> (8 * i));
  buf_.append(len, sizeof len);
  buf_.append(field.data(), field.size());
  return *this;
}

Hasher& Hasher::Add(int64_t n) { return Add(std::to_string(n)); }

std::string Hasher::HexDigest(size_t hex_chars) {
  XXH128_hash_t h = XXH3_128bits(buf_.data(), buf_.size());
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (uint64_t part : {h.high64, h.low64}) {
    for (int shift = 60; shift >= 0; shift -= 4) out += hex[(part >> shift) & 15];
  }
  out.resize(std::min(out.size(), hex_chars));
  return out;
}

}  // namespace ferry
