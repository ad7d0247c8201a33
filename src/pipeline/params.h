// Pipeline params after the file's defaults: -params-file (YAML or JSON) and
// --name value overrides from the command line, typed like YAML scalars.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/status.h"
#include "util/value.h"

namespace ferry {

// Applies `params_file` (a YAML or JSON map; may be "") and then the --name
// value overrides (in order; values typed: int, decimal, true/false, else
// string; dotted names set nested keys). `known` is the params map after file
// defaults and config params; an override naming a param not in `known` (or
// in the params file) -> Status::Invalid with a "did you mean". An override
// without a value (a bare --name) sets true, and only a param whose value so
// far is true/false: anything else would quietly become the word "true", so
// it is Status::Invalid saying the param needs a value. Result into *params.
Status ApplyParamOverrides(const Value& known, const std::string& params_file,
                           const std::vector<std::pair<std::string, std::optional<std::string>>>& cli, Value* params);

// "12" -> int, "1.5" -> double, "true"/"false" -> bool, else the string.
Value ParseParamValue(std::string_view text);

}  // namespace ferry
