// Whole-number arithmetic of ferry's two expression languages (config files
// and pipeline templates): one rule for what overflows int64 (an error, not
// undefined behaviour) and for a division that does not come out whole (a
// fraction, as 7 / 2 = 3.5).
#pragma once

#include <cstdint>

namespace ferry {

enum class IntArithResult {
  kInt,       // *int_out holds the result
  kFraction,  // '/' that is not whole: *fraction_out holds it
  kOverflow,  // the result does not fit in int64
  kDivisionByZero,
};

// `op` is one of + - * /.
IntArithResult IntArith(char op, int64_t a, int64_t b, int64_t* int_out, double* fraction_out);

// -a; false when it overflows (a is INT64_MIN).
bool NegateInt(int64_t a, int64_t* out);

}  // namespace ferry
