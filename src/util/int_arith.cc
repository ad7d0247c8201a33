#include "util/int_arith.h"

#include <limits>

namespace ferry {

IntArithResult IntArith(char op, int64_t a, int64_t b, int64_t* int_out, double* fraction_out) {
  bool overflow = false;
  switch (op) {
    case '+': overflow = __builtin_add_overflow(a, b, int_out); break;
    case '-': overflow = __builtin_sub_overflow(a, b, int_out); break;
    case '*': overflow = __builtin_mul_overflow(a, b, int_out); break;
    case '/':
      if (b == 0) return IntArithResult::kDivisionByZero;
      // INT64_MIN / -1 (and INT64_MIN % -1) is undefined behaviour.
      if (b == -1 && a == std::numeric_limits<int64_t>::min()) return IntArithResult::kOverflow;
      if (a % b != 0) {
        *fraction_out = static_cast<double>(a) / static_cast<double>(b);
        return IntArithResult::kFraction;
      }
      *int_out = a / b;
      break;
    default: return IntArithResult::kOverflow;
  }
  return overflow ? IntArithResult::kOverflow : IntArithResult::kInt;
}

bool NegateInt(int64_t a, int64_t* out) {
  if (a == std::numeric_limits<int64_t>::min()) return false;
  *out = -a;
  return true;
}

}  // namespace ferry
