// Renders resolved settings back into ferry's config syntax for
// `ferry config show`: the output parses back to the same settings, and
// secret values are replaced by '********'.
#pragma once

#include <string>
#include <vector>

#include "config/selector.h"
#include "util/value.h"

namespace ferry::config {

inline constexpr const char* kMasked = "********";

std::string RenderConfig(const Value& settings, const std::vector<Selector>& selectors);

// One value as a config literal: 'text', 12, 1.5, true, null, [a, b], [k: v].
std::string RenderLiteral(const Value& v);

}  // namespace ferry::config
