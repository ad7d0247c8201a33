// ParamSchema: what a pipeline says about each of its params under
// `params:` (type, default, help text, whether it is required), and the
// checks every value given for a param goes through, wherever it came from
// (the config, a -params-file, --name on the command line). A plain
// `name: value` is still just a default and is never checked, so pipelines
// written before params could be described keep working; a map with a
// `type:` key, or whose keys are all of type/default/help/required, describes
// the param (docs/pipelines.md, "Params"). Pure: no file access.
#pragma once

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "pipeline/yaml_source.h"
#include "util/source_loc.h"
#include "util/status.h"
#include "util/value.h"

namespace ferry {

enum class ParamType { kAny, kString, kInteger, kNumber, kBoolean, kPath, kList, kMap };

// "string", "integer", ...; "any" for a param whose type is not known.
const char* ParamTypeName(ParamType t);

struct ParamSpec {
  std::string name;
  // kAny for a plain `name: value` and for a description with neither a
  // type nor a default: its values are taken as given.
  ParamType type = ParamType::kAny;
  Value default_value;  // null: none
  std::string help;
  bool required = false;
  SourceLoc loc;  // of the name in the pipeline file
};

// Reads the pipeline's `params:` map: *specs in file order, *defaults the
// map name -> default (null for a param without one), which is what
// templates see before anything overrides it. Every mistake (an unknown
// type or key, a default of the wrong type, required with a default) is
// Invalid with file:line:col.
Status ParseParamSchema(const YAML::Node& params, const YamlSource& src, std::vector<ParamSpec>* specs,
                        Value* defaults);

const ParamSpec* FindParamSpec(const std::vector<ParamSpec>& specs, const std::string& name);

// Checks a value given for `spec`; `where` says where it was given
// ("params.yml:3:10", "--threads on the command line"). A null value is
// "not given" and always passes (CheckRequiredParams catches a required one).
Status CheckParamValue(const ParamSpec& spec, const Value& v, const std::string& where);

// The value of command-line text `text` for `spec`: string and path params
// keep the text as typed (--version 1.10 stays "1.10"), list and map params
// read it as YAML flow (--ids '[1, 2]'), the others type it as
// ParseParamValue does; then CheckParamValue.
Status ParamValueFromText(const ParamSpec& spec, const std::string& text, Value* out);

// Invalid naming the first required param whose value in `params` is null,
// and the ways to give it.
Status CheckRequiredParams(const std::vector<ParamSpec>& specs, const Value& params);

// The params part of `ferry run PIPELINE --help`: one line per param with
// its type, then default or "required", then its help text.
std::string ParamsHelpText(const std::vector<ParamSpec>& specs, const std::string& pipeline_file);

}  // namespace ferry
