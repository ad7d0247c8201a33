// UsageReport: reading what a task used. A report is "key: value" lines:
// the record a local task's shell sends as it exits (the ferry_usage bash
// builtin, see bash_builtin/ferry_usage.c), /proc/<pid>/io of a direct
// child, and the rusage of a child ferry reaps itself. One reader, so the
// same fields mean the same thing however a task was measured.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <string>
#include <string_view>

#include "events/task_usage.h"

namespace ferry {

// Parses "key: value" lines (the /proc/<pid>/io layout: rchar, wchar,
// syscr, syscw, read_bytes, write_bytes, plus cpu_user_ms, cpu_sys_ms,
// peak_rss, peak_vmem, peak_threads, peak_procs) into *out. Unknown keys and
// values that are not non-negative integers are skipped (a truncated report
// keeps what it has). Returns whether any field was read.
bool ParseUsageReport(std::string_view text, TaskUsage* out);

// CPU time and peak RSS from the rusage wait4() gave for a reaped child
// (which covers every descendant that child reaped).
void UsageFromRusage(const struct rusage& ru, TaskUsage* out);

// Reads `path` (e.g. /proc/<pid>/io) and ParseUsageReport()s it; false if
// it cannot be read or has no field.
bool ReadUsageReport(const std::string& path, TaskUsage* out);

}  // namespace ferry
