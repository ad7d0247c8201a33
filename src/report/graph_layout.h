// Lays a DOT graph out with Graphviz (libgvc's dot layout) and renders it as
// SVG: the layout of ranks, crossings and edge routes is Graphviz's job, not
// ours.
#pragma once

#include <string>

#include "util/status.h"

namespace ferry {

// SVG text (with its XML prolog removed, so it can sit inside HTML) of `dot`.
Status LayOutSvg(const std::string& dot, std::string* svg);

}  // namespace ferry
