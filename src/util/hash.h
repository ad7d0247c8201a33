// Task identities (which work dir a task gets, and whether -resume may
// reuse it): XXH3-128 from Debian's xxHash, fed field by field. Identities
// need to be collision-free in practice, not secure against an attacker, and
// expanding 100,000 tasks spent a third of its time in SHA-256. (SHA-256,
// where AWS requires it, is aws/crypto.h.)
#pragma once

#include <string>
#include <string_view>

namespace ferry {

class Hasher {
 public:
  Hasher() = default;
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  // Adds a field; fields are length-prefixed so ("ab","c") != ("a","bc").
  Hasher& Add(std::string_view field);
  Hasher& Add(int64_t n);
  // Lowercase hex of the first `hex_chars` characters of the digest.
  std::string HexDigest(size_t hex_chars = 32);

 private:
  // Fields are collected and digested once: a task identity is a few
  // hundred bytes in dozens of fields.
  std::string buf_;
};

}  // namespace ferry
