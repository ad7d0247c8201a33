// YamlSource: the raw text of a YAML file next to what yaml-cpp parsed from it,
// so errors inside a scalar's value (a template) can name the exact
// file:line:col even when quotes, escapes, block indentation or line folding
// make the value differ from the raw bytes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "pipeline/source_map.h"
#include "util/source_loc.h"

namespace ferry {

class YamlSource {
 public:
  YamlSource(std::string_view text, std::string file);

  // Location of a node (its first character, or its tag/anchor if it has one).
  SourceLoc Loc(const YAML::Node& node) const { return Loc(node.Mark()); }
  SourceLoc Loc(const YAML::Mark& mark) const;
  // Location of raw byte offset `pos`.
  SourceLoc LocOfOffset(size_t pos) const;
  // Offsets of node.Scalar() mapped to the file. Falls back to the node's
  // start for constructs it cannot follow.
  SourceMap ScalarMap(const YAML::Node& scalar) const;

  const std::string& file() const { return file_; }

 private:
  bool MapScalar(size_t pos, const std::string& decoded, std::vector<size_t>* origin) const;

  std::string_view text_;
  std::string file_;
  std::vector<size_t> line_starts_;
};

}  // namespace ferry
