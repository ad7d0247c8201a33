// `ferry log [RUN]`: past runs in this launch dir, or the tasks of one run,
// read from the history database under .ferry/.
#include <cstdio>
#include <filesystem>

#include "cli/commands.h"
#include "cli/run_setup.h"
#include "cmdline/help_text.h"
#include "report/report_files.h"
#include "store/history.h"
#include "util/clock_text.h"
#include "util/text.h"
#include "util/units.h"

namespace ferry {

namespace {
std::string FormatTime(int64_t ms) { return ms > 0 ? FormatLocalTime(ms, "%Y-%m-%d %H:%M:%S") : "-"; }

// `ferry log RUN -with-report FILE -with-timeline FILE`: the pages of a past
// run, made from history as `ferry run` makes them.
int WriteLogPages(History* h, const RunRecord& run, const std::string& report, const std::string& timeline) {
  ReportInput input;
  Status st = LoadReportInput(h, run.id, &input);
  if (st.ok() && !report.empty()) st = WriteReportFile(report, input);
  if (st.ok() && !report.empty()) std::printf("report: %s\n", report.c_str());
  if (st.ok() && !timeline.empty()) st = WriteTimelineFile(timeline, input);
  if (st.ok() && !timeline.empty()) std::printf("timeline: %s\n", timeline.c_str());
  if (!st.ok()) return PrintError(st), st.exit_code();
  return 0;
}
}  // namespace

const cmdline::Command& LogTable() {
  static const cmdline::Command kLog = [] {
    cmdline::Command c = cmdline::MakeCommand("log", {"[RUN]"}, "list past runs, or the tasks of one run");
    c.details = "RUN is a run name, id, or 'last'; runs are those launched in this directory.";
    c.options = {
        cmdline::Value("-with-report", "FILE", "write RUN's HTML report, as ferry run -with-report does")
            .Kind(cmdline::ValueKind::kFile),
        cmdline::Value("-with-timeline", "FILE", "write RUN's HTML timeline").Kind(cmdline::ValueKind::kFile),
    };
    return c;
  }();
  return kLog;
}

int LogCommand(const std::vector<std::string>& all_args) {
  cmdline::Parsed p;
  Status parsed = cmdline::Parse(LogTable(), all_args, &p);
  if (p.help) return std::fputs(cmdline::HelpText(LogTable()).c_str(), stdout), 0;
  if (!parsed.ok()) return PrintError(parsed), 2;
  const std::vector<std::string>& args = p.positional;
  std::string report_file, timeline_file;
  for (const auto& o : p.options) {
    if (o.is("-with-report")) report_file = o.value;
    else if (o.is("-with-timeline")) timeline_file = o.value;
  }
  Status files = Status::Ok();
  if (!report_file.empty()) files = CheckReportFile("-with-report", report_file);
  if (files.ok() && !timeline_file.empty()) files = CheckReportFile("-with-timeline", timeline_file);
  if (files.ok() && (!report_file.empty() || !timeline_file.empty()) && args.empty())
    files = Status::Invalid("-with-report and -with-timeline need the run: ferry log RUN -with-report FILE");
  if (!files.ok()) return PrintError(files), 2;
  if (args.size() > 1) {
    PrintError(Status::Invalid("usage: ferry log [RUN]   (RUN: a run name, id, or 'last')"));
    return 2;
  }
  std::unique_ptr<History> h;
  Status st = OpenLaunchHistory(&h);
  if (!st.ok()) return PrintError(st), st.exit_code();
  if (args.empty()) {
    std::vector<RunRecord> runs;
    st = h->ListRuns(&runs);
    if (!st.ok()) return PrintError(st), 1;
    std::printf("%-20s %-20s %-10s %-8s %-28s %s\n", "RUN", "STARTED", "DURATION", "STATUS", "TASKS", "COMMAND");
    for (const auto& r : runs) {
      std::string tasks = std::to_string(r.completed) + " done, " + std::to_string(r.cached) + " cached, " +
                          std::to_string(r.failed) + " failed";
      std::printf("%-20s %-20s %-10s %-8s %-28s %s\n", r.run_name.c_str(), FormatTime(r.start_ms).c_str(),
                  r.end_ms ? FormatDuration(r.end_ms - r.start_ms).c_str() : "-", r.status.c_str(), tasks.c_str(),
                  r.command_line.c_str());
    }
    return 0;
  }
  RunRecord run;
  bool found = false;
  st = h->FindRun(args[0], &run, &found);
  if (!st.ok()) return PrintError(st), 1;
  if (!found) {
    std::vector<RunRecord> runs;
    h->ListRuns(&runs);
    std::vector<std::string> names;
    for (const auto& r : runs) names.push_back(r.run_name);
    PrintError(
        Status::Invalid("no run named '" + args[0] + "'" + DidYouMean(args[0], names) + " (ferry log lists the runs)"));
    return 2;
  }
  if (!report_file.empty() || !timeline_file.empty()) return WriteLogPages(h.get(), run, report_file, timeline_file);
  std::vector<TaskRecord> tasks;
  st = h->ListTasks(run.id, &tasks);
  if (!st.ok()) return PrintError(st), 1;
  std::printf("%-24s %-10s %-5s %-10s %s\n", "TASK", "STATUS", "EXIT", "DURATION", "WORK DIR");
  for (const auto& t : tasks) {
    std::string dur = t.end_ms && t.submit_ms ? FormatDuration(t.end_ms - t.submit_ms) : "-";
    std::string exit = t.exit_code >= 0 ? std::to_string(t.exit_code) : "-";
    std::printf("%-24s %-10s %-5s %-10s %s\n", t.name.c_str(), t.status.c_str(), exit.c_str(), dur.c_str(),
                t.work_dir.c_str());
  }
  return 0;
}

}  // namespace ferry
