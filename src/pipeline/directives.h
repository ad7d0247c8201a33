// Task directives (cpus, memory, time, ...): their names and the checks the
// loader can make when a value is constant. Templated values are checked by
// the engine once they are evaluated.
#pragma once

#include <string>
#include <vector>

#include "pipeline/template_value.h"
#include "util/status.h"

namespace ferry {

const std::vector<std::string>& KnownDirectives();
bool IsKnownDirective(const std::string& name);

// Checks a directive's value if it is constant; Invalid with file:line:col
// of the value and what would be accepted otherwise.
Status CheckDirective(const std::string& name, const TemplateValue& value, const std::string& task);

}  // namespace ferry
