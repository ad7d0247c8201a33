#include "pipeline/source_map.h"

#include <algorithm>

namespace ferry {

SourceMap::SourceMap(SourceLoc start) : file_(std::move(start.file)), contiguous_(true) {
  segments_.push_back({0, start.line, start.col});
}

SourceMap SourceMap::Segmented(std::string file) {
  SourceMap m;
  m.file_ = std::move(file);
  return m;
}

void SourceMap::AddSegment(size_t offset, int line, int col) {
  contiguous_ = false;
  segments_.push_back({offset, line, col});
}

SourceMap SourceMap::Bind(std::string_view text) const {
  if (!contiguous_ || segments_.empty() || segments_[0].line <= 0) return *this;
  SourceMap m = *this;
  int line = segments_[0].line;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') m.segments_.push_back({i + 1, ++line, 1});
  }
  return m;
}

SourceLoc SourceMap::Locate(size_t offset) const {
  SourceLoc loc;
  loc.file = file_;
  if (segments_.empty()) return loc;
  auto it = std::upper_bound(segments_.begin(), segments_.end(), offset,
                             [](size_t off, const Segment& s) { return off < s.offset; });
  if (it != segments_.begin()) --it;
  loc.line = it->line;
  loc.col = it->col;
  if (loc.line > 0 && loc.col > 0 && offset > it->offset) loc.col += static_cast<int>(offset - it->offset);
  return loc;
}

}  // namespace ferry
