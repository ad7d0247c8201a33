// `ferry run PIPELINE`: parses the command line; launch/run_launch.h does
// the run.
#include <cstdio>
#include <filesystem>

#include "cli/commands.h"
#include "cli/run_setup.h"
#include "engine/work_store.h"
#include "launch/run_launch.h"
#include "util/text.h"

namespace ferry {

namespace fs = std::filesystem;

namespace {

const char kRunUsage[] =
    "usage: ferry run PIPELINE [options] [--param value ...]\n"
    "\n"
    "PIPELINE is a pipeline .yml file or a directory holding pipeline.yml.\n"
    "options (single dash):\n"
    "  -resume                reuse every task whose inputs and script are unchanged\n"
    "  -profile a,b           apply these config profiles\n"
    "  -c FILE                add a config file (repeatable; later wins)\n"
    "  -work-dir DIR, -w DIR  where task work dirs go (default: ./work)\n"
    "  -bucket-dir s3://B/P   work dir on S3 (for tasks on the awsbatch executor)\n"
    "  -with-trace [FILE]     write a TSV trace of every task\n"
    "  -ansi-log true|false   live display (default: true on a terminal)\n"
    "  -params-file FILE      params from a YAML or JSON file\n"
    "  -preview               expand the task graph and print it, run nothing\n"
    "pipeline params (double dash): --name value or --name=value\n";

// What ParseRunArgs fills in is what LaunchRun takes.
using RunArgs = RunRequest;

Status ParseRunArgs(const std::vector<std::string>& args, RunArgs* out) {
  static const std::vector<std::string> kOptions = {"-resume",     "-profile",   "-c",      "-config",
                                                    "-work-dir",   "-w",         "-bucket-dir", "-with-trace",
                                                    "-ansi-log",   "-params-file", "-preview", "-help"};
  auto need_value = [&](size_t i, const std::string& opt) -> Status {
    if (i + 1 >= args.size() || (args[i + 1].size() > 1 && args[i + 1][0] == '-' && opt != "-ansi-log"))
      return Status::Invalid("option " + opt + " needs a value (see: ferry run -help)");
    return Status::Ok();
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (StartsWith(a, "--") && a.size() > 2) {
      std::string name = a.substr(2), value;
      size_t eq = name.find('=');
      if (eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
      } else if (i + 1 < args.size() && !(StartsWith(args[i + 1], "-") && args[i + 1].size() > 1)) {
        value = args[++i];
      } else {
        value = "true";  // a bare --flag is a boolean param
      }
      if (name.empty()) return Status::Invalid("'" + a + "' names no param");
      out->params.emplace_back(name, value);
    } else if (a == "-resume") {
      out->resume = true;
    } else if (a == "-profile") {
      FERRY_RETURN_IF_ERROR(need_value(i, a));
      for (auto& p : SplitList(args[++i])) out->profiles.push_back(p);
    } else if (a == "-c" || a == "-config") {
      FERRY_RETURN_IF_ERROR(need_value(i, a));
      out->configs.push_back(args[++i]);
    } else if (a == "-work-dir" || a == "-w") {
      FERRY_RETURN_IF_ERROR(need_value(i, a));
      out->work_dir = args[++i];
    } else if (a == "-bucket-dir") {
      FERRY_RETURN_IF_ERROR(need_value(i, a));
      out->bucket_dir = args[++i];
    } else if (a == "-with-trace") {
      out->trace = true;
      // The file name is optional: take the next word unless it is an
      // option or the pipeline itself.
      if (i + 1 < args.size() && args[i + 1][0] != '-' && !EndsWith(args[i + 1], ".yml") &&
          !EndsWith(args[i + 1], ".yaml") && !(out->pipeline.empty() && i + 2 >= args.size()) &&
          !fs::is_directory(args[i + 1]))
        out->trace_file = args[++i];
    } else if (a == "-ansi-log") {
      FERRY_RETURN_IF_ERROR(need_value(i, a));
      std::string v = args[++i];
      if (v == "true") out->ansi = 1;
      else if (v == "false") out->ansi = 0;
      else return Status::Invalid("-ansi-log takes true or false, got '" + v + "'");
    } else if (a == "-params-file") {
      FERRY_RETURN_IF_ERROR(need_value(i, a));
      out->params_file = args[++i];
    } else if (a == "-preview") {
      out->preview = true;
    } else if (a == "-help" || a == "-h") {
      out->help = true;
    } else if (a.size() > 1 && a[0] == '-') {
      return Status::Invalid("unknown option '" + a + "'" + DidYouMean(a, kOptions) +
                             " (ferry's own options take one dash; pipeline params take two, e.g. --" +
                             a.substr(1) + " value)");
    } else if (out->pipeline.empty()) {
      out->pipeline = a;
    } else {
      return Status::Invalid("unexpected argument '" + a + "': ferry run takes one pipeline (pipeline params "
                             "are written --name value)");
    }
  }
  if (!out->help && out->pipeline.empty())
    return Status::Invalid("no pipeline given (usage: ferry run PIPELINE [options])");
  if (!out->bucket_dir.empty())
    FERRY_RETURN_IF_ERROR(CheckS3WorkRoot(out->bucket_dir, "-bucket-dir", &out->bucket_dir));
  if (IsS3Path(out->work_dir)) FERRY_RETURN_IF_ERROR(CheckS3WorkRoot(out->work_dir, "-work-dir", &out->work_dir));
  return Status::Ok();
}

}  // namespace

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
    std::fputs(kRunUsage, stdout);
    return 0;
  }
  return LaunchRun(ra);
}

}  // namespace ferry
