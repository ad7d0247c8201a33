// Converting yaml-cpp nodes into ferry values: plain data (params) and
// template values (task fields), with YAML 1.2 core typing of plain scalars
// (2 -> int, 1.5 -> double, true -> bool, ~ -> null; quoted -> string).
#pragma once

#include <yaml-cpp/yaml.h>

#include "pipeline/template_value.h"
#include "pipeline/yaml_source.h"
#include "util/status.h"
#include "util/value.h"

namespace ferry {

// A scalar as a typed value (plain scalars typed, quoted/block ones strings).
Value YamlScalarValue(const YAML::Node& scalar);
// True if the scalar is a string (quoted, block, or plain text that is not a
// number, bool or null).
bool YamlIsString(const YAML::Node& scalar);

Status YamlToValue(const YAML::Node& node, const YamlSource& src, Value* out);
// String scalars become templates (parsed, with exact error positions).
Status YamlToTemplateValue(const YAML::Node& node, const YamlSource& src, TemplateValue* out);

}  // namespace ferry
