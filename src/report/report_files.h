// Writing a run's report, timeline and task graph files: reads what the
// pages need (history records, the stderr tails of failed tasks from their
// work dirs) and writes each file atomically, so an interrupted ferry never
// leaves half a page. `ferry run` and `ferry log` both call these with the
// records read back from history, so a report made later is the same page.
#pragma once

#include <string>

#include "engine/task_graph.h"
#include "report/report_data.h"
#include "store/history.h"
#include "util/status.h"

namespace ferry {

// The run and its task records from history, and the last lines of stderr of
// each failed attempt whose work dir is on this machine.
Status LoadReportInput(History* history, int64_t run_id, ReportInput* out);

// Invalid (exit 2) unless `file` can be written as `option`'s output: not a
// directory, its directory exists. For -with-dag also one of the known
// extensions (.html, .svg, .dot, .mmd).
Status CheckReportFile(const std::string& option, const std::string& file);
Status CheckDagFile(const std::string& file);

Status WriteReportFile(const std::string& file, const ReportInput& in);
Status WriteTimelineFile(const std::string& file, const ReportInput& in);
// The format follows the extension; `title` (the pipeline) heads the HTML.
Status WriteDagFile(const std::string& file, const TaskGraph& graph, const std::string& title);

}  // namespace ferry
