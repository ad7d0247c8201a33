// SourceLoc: a position in a user's file, for errors that say file:line:col.
#pragma once

#include <string>

namespace ferry {

struct SourceLoc {
  std::string file;  // as the user named it (relative paths kept relative)
  int line = 0;      // 1-based; 0 = unknown
  int col = 0;       // 1-based; 0 = unknown

  // "file:line:col", "file:line" or "file" depending on what is known.
  std::string ToString() const {
    std::string s = file;
    if (line > 0) {
      s += ":" + std::to_string(line);
      if (col > 0) s += ":" + std::to_string(col);
    }
    return s;
  }
  // A location `chars` columns further on the same line.
  SourceLoc Advance(int chars) const {
    SourceLoc l = *this;
    if (l.col > 0) l.col += chars;
    return l;
  }
};

}  // namespace ferry
