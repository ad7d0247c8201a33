// UsageReport: reading what a task used. A report is "key: value" lines:
// the record a local task's shell sends as it exits (the ferry_usage bash
// builtin, see bash_builtin/ferry_usage.c), /proc/<pid>/io of a direct
// child, the rusage of a child ferry reaps itself, and the .command.usage a
// Batch job uploads (written by FormatUsageReport, see task_meter.h). One
// reader and one writer, so the same fields mean the same thing however and
// wherever a task was measured.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <string>
#include <string_view>

#include "events/task_usage.h"

namespace ferry {

// The usage report a Batch job leaves in its work dir beside .exitcode
// (`measure` writes it, the job's wrapper uploads it, the awsbatch executor
// reads it back).
inline constexpr char kUsageReportFile[] = ".command.usage";
// What `measure --check` prints: how a job tells ferry's CLI from the aws CLI.
inline constexpr char kMeasureReady[] = "ferry measure: ready";

// Parses "key: value" lines (the /proc/<pid>/io layout: rchar, wchar,
// syscr, syscw, read_bytes, write_bytes, plus realtime_ms, cpu_user_ms,
// cpu_sys_ms, peak_rss, peak_vmem, peak_threads, peak_procs, and the text
// instance_type) into *out. Unknown keys and values that are not
// non-negative integers (for instance_type: not a plain word) are skipped,
// so a truncated report keeps what it has. `job_id`, when given, gets the
// report's job_id line ("" without one). Returns whether any field was read.
bool ParseUsageReport(std::string_view text, TaskUsage* out, std::string* job_id = nullptr);

// Every known field of `u` (queue_ms aside: no job knows its own queue
// time) as ParseUsageReport reads them, after a job_id line naming the
// Batch job that measured it, so a report an earlier job left in the same
// work dir is never taken for a later job's.
std::string FormatUsageReport(const TaskUsage& u, const std::string& job_id);

// CPU time and peak RSS from the rusage wait4() gave for a reaped child
// (which covers every descendant that child reaped).
void UsageFromRusage(const struct rusage& ru, TaskUsage* out);

// Reads `path` (e.g. /proc/<pid>/io) and ParseUsageReport()s it; false if
// it cannot be read or has no field.
bool ReadUsageReport(const std::string& path, TaskUsage* out);

}  // namespace ferry
