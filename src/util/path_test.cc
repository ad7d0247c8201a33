#include "util/path.h"

#include <gtest/gtest.h>

namespace ferry {

TEST(PathTest, NormalizeMatchesLexicalRules) {
  EXPECT_EQ(NormalizePath("/a/b/c"), "/a/b/c");
  EXPECT_EQ(NormalizePath("/a//b/./c/"), "/a/b/c");
  EXPECT_EQ(NormalizePath("/a/b/../c"), "/a/c");
  EXPECT_EQ(NormalizePath("/../a"), "/a");
  EXPECT_EQ(NormalizePath("a/../../b"), "../b");
  EXPECT_EQ(NormalizePath("./"), ".");
  EXPECT_EQ(NormalizePath("/"), "/");
  EXPECT_EQ(NormalizePath("it's $(x).txt"), "it's $(x).txt");
}

TEST(PathTest, AbsoluteJoinsRelativeOnly) {
  EXPECT_EQ(AbsolutePath("/launch", "data/x.txt"), "/launch/data/x.txt");
  EXPECT_EQ(AbsolutePath("/launch", "../x.txt"), "/x.txt");
  EXPECT_EQ(AbsolutePath("/launch", "/abs/./y"), "/abs/y");
}

TEST(PathTest, BaseNameAndParentRefs) {
  EXPECT_EQ(PathBaseName("/a/b.txt"), "b.txt");
  EXPECT_EQ(PathBaseName("dir/"), "dir");
  EXPECT_EQ(PathBaseName("x"), "x");
  EXPECT_TRUE(PathHasParentRef("a/../b"));
  EXPECT_TRUE(PathHasParentRef(".."));
  EXPECT_FALSE(PathHasParentRef("a/..b/c"));
}

}  // namespace ferry
