// Hashing. Hasher gives task identities (which work dir a task gets, and
// whether -resume may reuse it): XXH3-128 from Debian's xxHash, fed field by
// field. Identities need to be collision-free in practice, not secure
// against an attacker, and expanding 100,000 tasks spent a third of its time
// in SHA-256. Sha256Hex is for where SHA-256 is the required algorithm.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace ferry {

class Hasher {
 public:
  Hasher();
  ~Hasher();
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  // Adds a field; fields are length-prefixed so ("ab","c") != ("a","bc").
  Hasher& Add(std::string_view field);
  Hasher& Add(int64_t n);
  // Lowercase hex of the first `hex_chars` characters of the digest.
  std::string HexDigest(size_t hex_chars = 32);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string Sha256Hex(std::string_view data);

}  // namespace ferry
