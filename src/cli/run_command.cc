// `ferry run PIPELINE`: parses the command line; launch/run_launch.h does
// the run.
#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "cli/commands.h"
#include "cli/run_setup.h"
#include "cmdline/help_text.h"
#include "engine/work_store.h"
#include "launch/run_launch.h"
#include "report/report_files.h"
#include "util/text.h"

namespace ferry {

namespace fs = std::filesystem;

namespace {

// The file names of -with-trace, -with-report and -with-timeline are optional: the next word is taken unless it is
// the pipeline (a .yml file or a directory).
bool TraceFileWord(const std::string& w) {
  return !EndsWith(w, ".yml") && !EndsWith(w, ".yaml") && !fs::is_directory(w);
}

// What ParseRunArgs fills in is what LaunchRun takes.
using RunArgs = RunRequest;

Status ParseRunArgs(const std::vector<std::string>& args, RunArgs* out) {
  cmdline::Parsed p;
  FERRY_RETURN_IF_ERROR(cmdline::Parse(RunTable(), args, &p));
  out->help = p.help;
  if (p.help) return Status::Ok();
  for (const auto& h : p.options) {
    if (h.is("-resume")) out->resume = true;
    else if (h.is("-profile"))
      for (auto& pr : SplitList(h.value)) out->profiles.push_back(pr);
    else if (h.is("-c")) out->configs.push_back(h.value);
    else if (h.is("-work-dir")) out->work_dir = h.value;
    else if (h.is("-bucket-dir")) out->bucket_dir = h.value;
    else if (h.is("-with-trace")) out->trace = true, out->trace_file = h.value;
    else if (h.is("-ansi-log")) out->ansi = h.value == "true" ? 1 : 0;
    else if (h.is("-params-file")) out->params_file = h.value;
    else if (h.is("-preview")) out->preview = true;
    else if (h.is("-stub-run")) out->stub_run = true;
    else if (h.is("-with-report")) out->report = true, out->report_file = h.value;
    else if (h.is("-with-timeline")) out->timeline = true, out->timeline_file = h.value;
    else if (h.is("-with-dag")) out->dag_file = h.value;
  }
  out->params = p.params;
  if (p.positional.empty()) return Status::Invalid("no pipeline given (usage: ferry run PIPELINE [options])");
  if (p.positional.size() > 1)
    return Status::Invalid("unexpected argument '" + p.positional[1] +
                           "': ferry run takes one pipeline (pipeline params are written --name value)");
  out->pipeline = p.positional[0];
  if (!out->bucket_dir.empty())
    FERRY_RETURN_IF_ERROR(CheckS3WorkRoot(out->bucket_dir, "-bucket-dir", &out->bucket_dir));
  if (IsS3Path(out->work_dir)) FERRY_RETURN_IF_ERROR(CheckS3WorkRoot(out->work_dir, "-work-dir", &out->work_dir));
  // Output files are checked before anything runs, so a typo in a path does
  // not cost the run its report.
  if (!out->report_file.empty()) FERRY_RETURN_IF_ERROR(CheckReportFile("-with-report", out->report_file));
  if (!out->timeline_file.empty()) FERRY_RETURN_IF_ERROR(CheckReportFile("-with-timeline", out->timeline_file));
  if (!out->dag_file.empty()) FERRY_RETURN_IF_ERROR(CheckDagFile(out->dag_file));
  return Status::Ok();
}

// The pipeline of `ferry run PIPELINE --help`, "" when none was given (or
// the rest of the line does not parse, when ferry's own help is all there is
// to print).
std::string HelpPipeline(const std::vector<std::string>& args) {
  std::vector<std::string> rest;
  const auto& help = cmdline::HelpSpellings();
  for (const auto& a : args)
    if (std::find(help.begin(), help.end(), a) == help.end()) rest.push_back(a);
  cmdline::Parsed p;
  if (!cmdline::Parse(RunTable(), rest, &p).ok() || p.positional.size() != 1) return "";
  return p.positional[0];
}

}  // namespace

const cmdline::Command& RunTable() {
  using cmdline::Flag;
  using cmdline::Value;
  using cmdline::ValueKind;
  static const cmdline::Command kRun = [] {
    cmdline::Command c = cmdline::MakeCommand("run", {"PIPELINE [options] [--param value ...]"}, "run a pipeline");
    c.details =
        "PIPELINE is a pipeline .yml file or a directory holding pipeline.yml.\n"
        "ferry's own options take one dash; pipeline params take two: --name value or --name=value\n"
        "(a bare --name sets true, for a param whose default is true or false).\n"
        "ferry run PIPELINE --help also lists the pipeline's params: type, help, default or required.";
    c.options = {
        Flag("-resume", "reuse every task whose inputs and script are unchanged"),
        Value("-profile", "a,b", "apply these config profiles"),
        Value("-c", "FILE", "add a config file (repeatable; later wins)").Alias("-config").Kind(ValueKind::kFile),
        Value("-work-dir", "DIR", "where task work dirs go (default: ./work)").Alias("-w").Kind(ValueKind::kDir),
        Value("-bucket-dir", "s3://B/P", "work dir on S3 (for tasks on the awsbatch executor)"),
        cmdline::OptionalValue("-with-trace", "FILE", "write a TSV trace of every task", TraceFileWord)
            .Kind(ValueKind::kFile),
        Value("-ansi-log", "true|false", "live display (default: true on a terminal)").Choices({"true", "false"}),
        Value("-params-file", "FILE", "params from a YAML or JSON file").Kind(ValueKind::kFile),
        Flag("-preview", "expand the task graph and print it, run nothing"),
        Flag("-stub-run", "run each task's stub: instead of its script (tasks without one run their script)"),
        cmdline::OptionalValue("-with-report", "FILE", "write an HTML report (default: report-RUN.html)", TraceFileWord)
            .Kind(ValueKind::kFile),
        cmdline::OptionalValue("-with-timeline", "FILE", "write an HTML timeline (default: timeline-RUN.html)",
                               TraceFileWord)
            .Kind(ValueKind::kFile),
        Value("-with-dag", "FILE", "write the task graph (.html, .svg, .dot or .mmd; also with -preview)")
            .Kind(ValueKind::kFile),
    };
    c.positional = ValueKind::kFile;
    c.required_positionals = 1;
    c.strict_values = true;
    c.pipeline_params = true;
    c.unknown_hint = "ferry's own options take one dash; pipeline params take two, e.g. --{} value";
    return c;
  }();
  return kRun;
}

int RunCommand(const std::vector<std::string>& args) {
  RunArgs ra;
  ra.command_line = "ferry run";
  for (const auto& a : args) ra.command_line += " " + ShellQuote(a);
  Status st = ParseRunArgs(args, &ra);
  if (!st.ok()) {
    PrintError(st);
    return 2;
  }
  if (ra.help) {
    std::fputs(cmdline::HelpText(RunTable()).c_str(), stdout);
    std::string pipeline = HelpPipeline(args), params;
    if (pipeline.empty()) return 0;
    st = PipelineParamsHelp(pipeline, &params);
    if (!st.ok()) {
      PrintError(st);
      return 2;
    }
    std::fputs(params.c_str(), stdout);
    return 0;
  }
  return LaunchRun(ra);
}

}  // namespace ferry
