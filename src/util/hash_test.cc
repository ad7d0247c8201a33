#include "util/hash.h"

#include <gtest/gtest.h>

namespace ferry {

TEST(HashTest, FieldsAreLengthPrefixed) {
  Hasher a, b;
  a.Add("ab").Add("c");
  b.Add("a").Add("bc");
  EXPECT_NE(a.HexDigest(), b.HexDigest());
}

TEST(HashTest, SameFieldsSameDigest) {
  Hasher a, b;
  a.Add("x").Add(int64_t{42});
  b.Add("x").Add(int64_t{42});
  std::string d = a.HexDigest();
  EXPECT_EQ(d, b.HexDigest());
  EXPECT_EQ(d.size(), 32u);
  EXPECT_EQ(d.find_first_not_of("0123456789abcdef"), std::string::npos);
}

}  // namespace ferry
