// SourceMap: where each byte of a template's text sits in the user's file.
// A YAML scalar's value differs from its raw text (quotes, escapes, block
// indentation, folding), so errors found while parsing or evaluating a
// template use this map to report the true file:line:col.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "util/source_loc.h"

namespace ferry {

class SourceMap {
 public:
  SourceMap() = default;
  // Text that appears verbatim starting at `start` (newlines in the text move
  // to the next line, column 1). Implicit so a SourceLoc can be passed where a
  // SourceMap is expected.
  SourceMap(SourceLoc start);  // NOLINT(google-explicit-constructor)

  // Explicit mapping: byte `offset` of the text (and the bytes after it, until
  // the next segment) starts at line:col.
  static SourceMap Segmented(std::string file);
  void AddSegment(size_t offset, int line, int col);

  // Resolves a contiguous map against the text it describes (adds a segment
  // after each newline). Segmented maps are returned unchanged.
  SourceMap Bind(std::string_view text) const;

  SourceLoc Locate(size_t offset) const;
  const std::string& file() const { return file_; }

 private:
  struct Segment {
    size_t offset;
    int line;
    int col;
  };
  std::string file_;
  bool contiguous_ = false;
  std::vector<Segment> segments_;
};

}  // namespace ferry
