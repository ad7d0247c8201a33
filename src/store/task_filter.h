// TaskFilter: the `ferry log -filter EXPR` language, a small expression over
// the fields of task_fields.h, e.g.
//   status == 'FAILED'
//   peak_rss > 1GB && realtime >= 10s
//   name =~ '^align' || !(exit == 0)
// Comparisons: == != < <= > >= and =~ (a regular expression search, for
// text). A text field compares with a 'quoted' (or "double-quoted") string;
// a size field with a size (1GB, 512 MB, or a bare number of bytes); a time
// with a duration (10s, 2m, or bare milliseconds); %cpu and counts with
// numbers (a trailing % is allowed on %cpu). Combine with && || ! and
// parentheses (also `and`, `or`, `not`). A value that was not measured
// satisfies no comparison. Parsed once; errors name the 1-based column.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "store/history.h"
#include "util/status.h"

namespace ferry {

class TaskFilter {
 public:
  // Invalid status naming the column and what was expected there.
  static Status Parse(std::string_view expr, std::unique_ptr<TaskFilter>* out);
  ~TaskFilter();
  bool Matches(const TaskRecord& t) const;

  struct Node;

 private:
  explicit TaskFilter(std::unique_ptr<Node> root);
  std::unique_ptr<Node> root_;
};

}  // namespace ferry
