// TaskFields: the named fields of a task record, under the reference tool's
// trace names (task_id, name, status, realtime, %cpu, peak_rss, rchar, ...),
// typed and formatted. The one list the trace file's columns, `ferry log
// -f`, its -filter expressions and its --json output are made from, so a
// field means the same thing and is spelled the same way in all of them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "store/history.h"

namespace ferry {

// What a field holds, which says how it is shown and what it compares with.
enum class FieldKind {
  kText,       // compared with 'quoted' strings
  kCount,      // a plain integer
  kBytes,      // shown as "1.5 GB"; compared with sizes (1GB, 512MB)
  kMillis,     // shown as "1m 2s"; compared with durations (10s, 2h)
  kTimestamp,  // epoch ms, shown as local time
  kPercent,    // shown as "98.5%"; compared with plain numbers or 50%
};

struct FieldValue {
  FieldKind kind = FieldKind::kText;
  bool known = false;  // false: not measured or not set (shown as "-")
  double number = 0;   // every kind but kText
  std::string text;    // kText
};

// Every field, in the trace file's column order.
const std::vector<std::string>& TaskFieldNames();
// The field's index in TaskFieldNames(), or -1.
int FindTaskField(std::string_view name);
FieldKind TaskFieldKind(int field);
FieldValue TaskFieldValue(const TaskRecord& t, int field);
// As the trace file shows it: "-" when not known; tabs and line breaks in
// text become spaces, so a value never shifts a column.
std::string FormatFieldValue(const FieldValue& v);
// "YYYY-MM-DD HH:MM:SS.mmm" in local time; "-" for 0.
std::string FormatTimestamp(int64_t epoch_ms);

}  // namespace ferry
