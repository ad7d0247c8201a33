// Parsing YAML that a user wrote (a pipeline, a params file) into one tree
// ferry can walk safely. yaml-cpp accepts more than ferry means to: several
// documents in one file (ferry would read the first and drop the rest
// silently), tags such as `!!binary` (ferry has no use for them and would
// read the raw text), and aliases that share nodes, so a few hundred bytes
// of nested aliases (a "billion laughs" file) stand for billions of nodes that
// any walk of the tree visits. This is the one place that refuses those, with
// file:line:col, before any other code sees the tree.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "util/status.h"

namespace ferry {

// Nodes a walk may visit, counting a node once per alias that reaches it.
// Far above any real pipeline or params file (a 50,000-row inline sample
// list is ~250,000 nodes), far below what exhausts memory or time.
inline constexpr int64_t kMaxYamlNodes = 1'000'000;

// Parses `text` (shown as `file` in errors) into *root. `what` names the
// file's role in messages ("pipeline", "params file").
Status ParseUserYaml(std::string_view text, const std::string& file, const std::string& what, YAML::Node* root,
                     int64_t max_nodes = kMaxYamlNodes);

}  // namespace ferry
