#include "util/int_arith.h"

#include <gtest/gtest.h>

#include <limits>

namespace ferry {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

TEST(IntArith, WholeResultsFractionsAndTheEdgesOfInt64) {
  int64_t i = 0;
  double f = 0;
  EXPECT_EQ(IntArith('*', 6, 7, &i, &f), IntArithResult::kInt);
  EXPECT_EQ(i, 42);
  EXPECT_EQ(IntArith('/', 8, 2, &i, &f), IntArithResult::kInt);
  EXPECT_EQ(i, 4);
  EXPECT_EQ(IntArith('/', 7, 2, &i, &f), IntArithResult::kFraction);
  EXPECT_EQ(f, 3.5);
  EXPECT_EQ(IntArith('/', 1, 0, &i, &f), IntArithResult::kDivisionByZero);
  EXPECT_EQ(IntArith('+', kMax, 1, &i, &f), IntArithResult::kOverflow);
  EXPECT_EQ(IntArith('-', kMin, 1, &i, &f), IntArithResult::kOverflow);
  EXPECT_EQ(IntArith('*', int64_t{4611686018427387904}, 2, &i, &f), IntArithResult::kOverflow);
  EXPECT_EQ(IntArith('/', kMin, -1, &i, &f), IntArithResult::kOverflow);
  EXPECT_EQ(IntArith('-', kMin + 1, 1, &i, &f), IntArithResult::kInt);
  EXPECT_EQ(i, kMin);
  EXPECT_FALSE(NegateInt(kMin, &i));
  EXPECT_TRUE(NegateInt(kMax, &i));
  EXPECT_EQ(i, -kMax);
}

}  // namespace
}  // namespace ferry
