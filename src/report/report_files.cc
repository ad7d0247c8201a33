#include "report/report_files.h"

#include <filesystem>

#include "engine/work_dir.h"
#include "report/graph_layout.h"
#include "report/html_page.h"
#include "report/name_graph.h"
#include "util/atomic_file.h"
#include "util/clock_text.h"
#include "util/text.h"

namespace ferry {

namespace fs = std::filesystem;

namespace {

constexpr int kStderrTailLines = 30;

Status Write(const std::string& what, const std::string& file, const std::string& text) {
  Status st = WriteFileAtomically(file, text);
  if (!st.ok()) return Status::Failed("cannot write the " + what + " " + file + ": " + st.message());
  return Status::Ok();
}

}  // namespace

Status LoadReportInput(History* history, int64_t run_id, ReportInput* out) {
  bool found = false;
  FERRY_RETURN_IF_ERROR(history->FindRun(std::to_string(run_id), &out->run, &found));
  if (!found) return Status::NotFound("run " + std::to_string(run_id) + " is not in the history");
  FERRY_RETURN_IF_ERROR(history->ListTasks(run_id, &out->tasks));
  for (const auto& t : out->tasks) {
    if (t.status != "FAILED" || t.work_dir.empty() || StartsWith(t.work_dir, "s3://")) continue;
    std::string tail = TailFile(t.work_dir + "/.command.err", kStderrTailLines);
    if (!tail.empty()) out->stderr_tails[{t.task_id, t.attempt}] = tail;
  }
  out->created_ms = NowMs();
  return Status::Ok();
}

Status CheckReportFile(const std::string& option, const std::string& file) {
  std::error_code ec;
  if (file.empty()) return Status::Invalid(option + " needs a file name");
  if (fs::is_directory(file, ec))
    return Status::Invalid(option + " " + file + " is a directory; give a file name, e.g. " +
                           (fs::path(file) / "report.html").string());
  fs::path dir = fs::path(file).parent_path();
  if (!dir.empty() && !fs::is_directory(dir, ec))
    return Status::Invalid(option + " " + file + ": the directory " + dir.string() +
                           " does not exist; create it first or write the file elsewhere");
  return Status::Ok();
}

Status CheckDagFile(const std::string& file) {
  FERRY_RETURN_IF_ERROR(CheckReportFile("-with-dag", file));
  for (const char* ext : {".html", ".svg", ".dot", ".mmd"})
    if (EndsWith(ToLower(file), ext)) return Status::Ok();
  return Status::Invalid("-with-dag " + file + ": the file name must end in .html, .svg, .dot or .mmd (the format)");
}

Status WriteReportFile(const std::string& file, const ReportInput& in) { return Write("report", file, ReportHtml(in)); }

Status WriteTimelineFile(const std::string& file, const ReportInput& in) {
  return Write("timeline", file, TimelineHtml(in));
}

Status WriteDagFile(const std::string& file, const TaskGraph& graph, const std::string& title) {
  NameGraph g = NameGraphOf(graph);
  const std::string ext = ToLower(fs::path(file).extension().string());
  if (ext == ".mmd") return Write("task graph", file, NameGraphMermaid(g));
  if (ext == ".dot") return Write("task graph", file, NameGraphDot(g));
  std::string svg;
  FERRY_RETURN_IF_ERROR(LayOutSvg(NameGraphDot(g), &svg));
  return Write("task graph", file, ext == ".svg" ? svg : DagHtml(title, svg));
}

}  // namespace ferry
