// Pipeline params after the file's defaults: -params-file (YAML or JSON) and
// --name value overrides from the command line, typed like YAML scalars.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pipeline/param_schema.h"
#include "util/source_loc.h"
#include "util/status.h"
#include "util/value.h"

namespace ferry {

// Applies `params_file` (a YAML or JSON map; may be "") and then the --name
// value overrides (in order; values typed: int, decimal, true/false, else
// string; dotted names set nested keys). `known` is the params map after file
// defaults and config params; a key of the params file or an override naming
// a param not in `known` -> Status::Invalid with a "did you mean" (with
// file:line:col for the file). An override without a value (a bare --name)
// sets true, and only a param whose value so far is true/false or whose type
// is boolean: anything else would quietly become the word "true", so it is
// Status::Invalid saying the param needs a value. Values of the params in
// `specs` are checked against their types (param_schema.h; command-line text
// of a string param is kept as typed), and a required one left without a
// value is an error. Result into *params.
Status ApplyParamOverrides(const std::vector<ParamSpec>& specs, const Value& known, const std::string& params_file,
                           const std::vector<std::pair<std::string, std::optional<std::string>>>& cli, Value* params);

// Checks the params a config file set (`config_params`, each located by
// `where_set("params.NAME")`, null for one no file set) against `specs`;
// names in `skip` (given on the command line, which wins) are not checked.
Status CheckConfigParams(const std::vector<ParamSpec>& specs, const Value& config_params,
                         const std::function<const SourceLoc*(const std::string&)>& where_set,
                         const std::vector<std::string>& skip);

// "12" -> int, "1.5" -> double, "true"/"false" -> bool, else the string.
Value ParseParamValue(std::string_view text);

}  // namespace ferry
