// Task directives in a pipeline file (cpus, memory, time, ...): checks the
// value the loader reads, against the rules of rules/directive_rules.h, as far
// as it is constant. Templated values are checked by the engine once they are
// evaluated.
#pragma once

#include <string>

#include "pipeline/template_value.h"
#include "rules/directive_rules.h"
#include "util/status.h"

namespace ferry {

// Checks directive `spec`'s value in task `task`; Invalid with file:line:col
// of the value (or of the offending list item or map entry) and what would be
// accepted otherwise.
Status CheckDirective(const rules::DirectiveSpec& spec, const TemplateValue& value, const std::string& task);

}  // namespace ferry
