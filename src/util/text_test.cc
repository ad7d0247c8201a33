#include "util/text.h"

#include <gtest/gtest.h>

namespace ferry {

TEST(TextTest, DidYouMeanFindsTyposIncludingSwaps) {
  std::vector<std::string> names = {"count", "total", "stem", "input"};
  EXPECT_EQ(DidYouMean("cuont", names), " (did you mean 'count'?)");
  EXPECT_EQ(DidYouMean("stme", names), " (did you mean 'stem'?)");
  EXPECT_EQ(DidYouMean("ipnut", names), " (did you mean 'input'?)");
  EXPECT_EQ(DidYouMean("totl", names), " (did you mean 'total'?)");
  EXPECT_EQ(DidYouMean("zebra", names), "");
}

TEST(TextTest, ShellQuoteKeepsSafeWordsAndQuotesTheRest) {
  EXPECT_EQ(ShellQuote("a/b.txt"), "a/b.txt");
  EXPECT_EQ(ShellQuote("it's"), "'it'\\''s'");
  EXPECT_EQ(ShellQuote("$(x)"), "'$(x)'");
  EXPECT_EQ(ShellQuote(""), "''");
}

TEST(TextTest, SplitTrimJoin) {
  EXPECT_EQ(Split("a,b,,c", ','), (std::vector<std::string>{"a", "b", "", "c"}));
  EXPECT_EQ(Trim("  x y \n"), "x y");
  EXPECT_EQ(Join({"a", "b"}, ", "), "a, b");
}

}  // namespace ferry
