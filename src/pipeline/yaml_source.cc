#include "pipeline/yaml_source.h"

#include <algorithm>

namespace ferry {

namespace {
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

int Utf8Length(unsigned long cp) {
  if (cp < 0x80) return 1;
  if (cp < 0x800) return 2;
  if (cp < 0x10000) return 3;
  return 4;
}
}  // namespace

YamlSource::YamlSource(std::string_view text, std::string file) : text_(text), file_(std::move(file)) {
  line_starts_.push_back(0);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') line_starts_.push_back(i + 1);
  }
}

SourceLoc YamlSource::Loc(const YAML::Mark& mark) const {
  SourceLoc loc;
  loc.file = file_;
  if (mark.line >= 0) {
    loc.line = mark.line + 1;
    loc.col = mark.column + 1;
  }
  return loc;
}

SourceLoc YamlSource::LocOfOffset(size_t pos) const {
  SourceLoc loc;
  loc.file = file_;
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), pos);
  size_t line = static_cast<size_t>(it - line_starts_.begin());  // 1-based
  loc.line = static_cast<int>(line);
  loc.col = static_cast<int>(pos - line_starts_[line - 1]) + 1;
  return loc;
}

// Walks the raw scalar and its decoded value side by side. Characters of the
// value appear verbatim in the raw text except where quoting rules change
// them ('' in single quotes, backslash escapes in double quotes) or line
// folding turns a line break plus indentation into a space or newline.
bool YamlSource::MapScalar(size_t p, const std::string& decoded, std::vector<size_t>* origin) const {
  const std::string_view t = text_;
  // Skip node properties (!tag, &anchor).
  while (p < t.size() && (t[p] == '!' || t[p] == '&')) {
    while (p < t.size() && !IsSpace(t[p])) ++p;
    while (p < t.size() && (t[p] == ' ' || t[p] == '\t')) ++p;
  }
  if (p >= t.size()) return false;
  enum { kPlain, kSingle, kDouble, kBlock } mode = kPlain;
  if (t[p] == '|' || t[p] == '>') {
    mode = kBlock;
    size_t nl = t.find('\n', p);
    if (nl == std::string_view::npos) return decoded.empty();
    p = nl + 1;
  } else if (t[p] == '\'') {
    mode = kSingle;
    ++p;
  } else if (t[p] == '"') {
    mode = kDouble;
    ++p;
  }
  origin->assign(decoded.size(), 0);
  size_t i = 0, r = p;
  const size_t n = decoded.size();
  while (i < n) {
    if (r >= t.size()) return false;
    const char d = decoded[i];
    const char c = t[r];
    if (mode == kSingle && c == '\'') {
      if (r + 1 < t.size() && t[r + 1] == '\'' && d == '\'') {
        (*origin)[i++] = r;
        r += 2;
        continue;
      }
      return false;
    }
    if (mode == kDouble && c == '"') return false;
    if (mode == kDouble && c == '\\') {
      if (r + 1 >= t.size()) return false;
      const char e = t[r + 1];
      if (e == '\n' || e == '\r') {  // escaped line break: joins lines
        r += 2;
        continue;
      }
      size_t raw_len = 2;
      int bytes = 1;
      auto hex = [&](size_t digits) -> bool {
        if (r + 2 + digits > t.size()) return false;
        unsigned long cp = std::stoul(std::string(t.substr(r + 2, digits)), nullptr, 16);
        raw_len = 2 + digits;
        bytes = Utf8Length(cp);
        return true;
      };
      try {
        if (e == 'x' && !hex(2)) return false;
        if (e == 'u' && !hex(4)) return false;
        if (e == 'U' && !hex(8)) return false;
      } catch (...) {
        return false;
      }
      if (e == 'N' || e == '_') bytes = 2;
      if (e == 'L' || e == 'P') bytes = 3;
      if (i + static_cast<size_t>(bytes) > n) return false;
      for (int k = 0; k < bytes; ++k) (*origin)[i++] = r;
      r += raw_len;
      continue;
    }
    if (d == c) {
      (*origin)[i++] = r++;
      continue;
    }
    if (IsSpace(c)) {  // indentation, folded line break, trailing blanks
      ++r;
      continue;
    }
    if (d == ' ' || d == '\n') {  // produced by folding
      (*origin)[i++] = r;
      continue;
    }
    return false;
  }
  return true;
}

SourceMap YamlSource::ScalarMap(const YAML::Node& scalar) const {
  const YAML::Mark mark = scalar.Mark();
  const std::string& decoded = scalar.Scalar();
  std::vector<size_t> origin;
  if (mark.pos < 0 || static_cast<size_t>(mark.pos) >= text_.size() ||
      !MapScalar(static_cast<size_t>(mark.pos), decoded, &origin)) {
    return SourceMap(Loc(mark));
  }
  SourceMap map = SourceMap::Segmented(file_);
  if (decoded.empty()) {
    SourceLoc l = Loc(mark);
    map.AddSegment(0, l.line, l.col);
    return map;
  }
  for (size_t i = 0; i < origin.size(); ++i) {
    if (i == 0 || origin[i] != origin[i - 1] + 1 || text_[origin[i - 1]] == '\n') {
      SourceLoc l = LocOfOffset(origin[i]);
      map.AddSegment(i, l.line, l.col);
    }
  }
  return map;
}

}  // namespace ferry
