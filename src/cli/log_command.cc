// `ferry log [RUN]`: past runs in this launch dir, or the tasks of one run,
// read from the history database under .ferry/; -f picks trace fields,
// -filter selects tasks (store/task_filter.h), --json prints records.
#include <cmath>
#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/run_setup.h"
#include "cmdline/help_text.h"
#include "report/report_files.h"
#include "store/history.h"
#include "store/task_fields.h"
#include "store/task_filter.h"
#include "util/clock_text.h"
#include "util/text.h"
#include "util/units.h"

namespace ferry {

namespace {
std::string FormatTime(int64_t ms) { return ms > 0 ? FormatLocalTime(ms, "%Y-%m-%d %H:%M:%S") : "-"; }

// The field indexes -f names ("name,status,peak_rss"); Invalid naming the
// valid fields for an unknown one.
Status ParseFieldList(const std::string& list, std::vector<int>* out) {
  for (const std::string& raw : Split(list, ',')) {
    std::string name(Trim(raw));
    int field = FindTaskField(name);
    if (field < 0) {
      return Status::Invalid("-f: unknown field '" + name + "'" + DidYouMean(name, TaskFieldNames()) +
                             "; the fields are " + Join(TaskFieldNames(), ","));
    }
    out->push_back(field);
  }
  return Status::Ok();
}

nlohmann::json FieldJson(const FieldValue& v) {
  if (!v.known && v.kind != FieldKind::kText) return nullptr;
  switch (v.kind) {
    case FieldKind::kText: return v.text;
    case FieldKind::kPercent: return std::round(v.number * 10) / 10;
    default: return static_cast<int64_t>(v.number);
  }
}

nlohmann::json RunJson(const RunRecord& r) {
  return {{"run_name", r.run_name},
          {"id", r.id},
          {"status", r.status},
          {"start", r.start_ms > 0 ? nlohmann::json(r.start_ms) : nullptr},
          {"end", r.end_ms > 0 ? nlohmann::json(r.end_ms) : nullptr},
          {"command_line", r.command_line},
          {"completed", r.completed},
          {"cached", r.cached},
          {"failed", r.failed}};
}

// The tasks of one run, as asked: the default table, -f's fields (tab
// separated, no header, as the trace shows values), or JSON objects.
void PrintTasks(const std::vector<TaskRecord>& tasks, const std::vector<int>& fields, bool json) {
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const TaskRecord& t : tasks) {
      nlohmann::json o = nlohmann::json::object();
      for (int f : fields) o[TaskFieldNames()[static_cast<size_t>(f)]] = FieldJson(TaskFieldValue(t, f));
      out.push_back(std::move(o));
    }
    std::printf("%s\n", out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    return;
  }
  if (!fields.empty()) {
    for (const TaskRecord& t : tasks) {
      std::string line;
      for (size_t i = 0; i < fields.size(); ++i)
        line += (i ? "\t" : "") + FormatFieldValue(TaskFieldValue(t, fields[i]));
      std::printf("%s\n", line.c_str());
    }
    return;
  }
  std::printf("%-24s %-10s %-5s %-10s %s\n", "TASK", "STATUS", "EXIT", "DURATION", "WORK DIR");
  for (const auto& t : tasks) {
    std::string dur = t.end_ms && t.submit_ms ? FormatDuration(t.end_ms - t.submit_ms) : "-";
    std::string exit = t.exit_code >= 0 ? std::to_string(t.exit_code) : "-";
    std::printf("%-24s %-10s %-5s %-10s %s\n", t.name.c_str(), t.status.c_str(), exit.c_str(), dur.c_str(),
                t.work_dir.c_str());
  }
}

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
    cmdline::Command c = cmdline::MakeCommand(
        "log", {"[RUN] [-f FIELDS] [-filter EXPR] [--json]", "RUN [-with-report FILE] [-with-timeline FILE]"},
        "list past runs, or the tasks of one run",
        {cmdline::Value("-f", "FIELDS", "print these trace fields of each task, comma-separated (e.g. name,peak_rss)")
             .Alias("-fields"),
         cmdline::Value("-filter", "EXPR", "only the tasks for which EXPR holds, e.g. \"status == 'FAILED'\"")
             .Alias("-F"),
         cmdline::Flag("--json", "print JSON (runs, or each task's fields) instead of columns").Alias("-json"),
         cmdline::Value("-with-report", "FILE", "write RUN's HTML report, as ferry run -with-report does")
             .Kind(cmdline::ValueKind::kFile),
         cmdline::Value("-with-timeline", "FILE", "write RUN's HTML timeline").Kind(cmdline::ValueKind::kFile)});
    c.details =
        "RUN is a run name, id, or 'last'; runs are those launched in this directory.\n\n"
        "FIELDS are the trace file's columns: " +
        Join(TaskFieldNames(), ", ") +
        ". A value that was not measured shows as '-' (null in JSON).\n\n"
        "EXPR compares fields with values: text with 'quoted strings' (== != < > and =~ for a regular "
        "expression), sizes with 1GB or 512MB, times with 10s or 2m, %cpu and counts with numbers; combine "
        "with && || ! and parentheses. Example: ferry log last -filter \"peak_rss > 1GB && status == "
        "'COMPLETED'\" -f name,peak_rss,memory";
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
  const bool json = p.Has("--json");
  std::vector<int> fields;
  std::unique_ptr<TaskFilter> filter;
  for (const cmdline::Hit& hit : p.options) {
    Status bad = hit.is("-f")        ? ParseFieldList(hit.value, &fields)
                 : hit.is("-filter") ? TaskFilter::Parse(hit.value, &filter)
                                     : Status::Ok();
    if (!bad.ok()) return PrintError(bad), 2;
  }
  if (args.empty() && (!fields.empty() || filter)) {
    PrintError(Status::Invalid("-f and -filter select the tasks of one run: name it, e.g. ferry log last -f " +
                               std::string(fields.empty() ? "name,status" : "...")));
    return 2;
  }
  if (json && fields.empty())
    for (int i = 0; i < static_cast<int>(TaskFieldNames().size()); ++i) fields.push_back(i);
  std::unique_ptr<History> h;
  Status st = OpenLaunchHistory(&h);
  if (!st.ok()) return PrintError(st), st.exit_code();
  if (args.empty()) {
    std::vector<RunRecord> runs;
    st = h->ListRuns(&runs);
    if (!st.ok()) return PrintError(st), 1;
    if (json) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& r : runs) out.push_back(RunJson(r));
      std::printf("%s\n", out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
      return 0;
    }
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
  if (filter) {
    std::vector<TaskRecord> kept;
    for (TaskRecord& t : tasks)
      if (filter->Matches(t)) kept.push_back(std::move(t));
    tasks = std::move(kept);
  }
  PrintTasks(tasks, fields, json);
  return 0;
}

}  // namespace ferry
