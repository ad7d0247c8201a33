#include "remote_build/build_workflow.h"

#include <sys/stat.h>

#include "util/text.h"

namespace ferry::remote_build {

namespace {

bool IsFile(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// True when the user's arguments already set the option: exactly `name`,
// `name=...`, or for short options `-jN`.
bool HasOption(const std::vector<std::string>& args, std::initializer_list<const char*> names) {
  for (const auto& a : args) {
    if (a == "--") break;
    for (const char* n : names) {
      std::string name = n;
      if (a == name || StartsWith(a, name + "=")) return true;
      if (name.size() == 2 && name[0] == '-' && StartsWith(a, name) && a.size() > 2 && a[1] != '-') return true;
    }
  }
  return false;
}

void Append(std::vector<std::string>* to, const std::vector<std::string>& from) {
  to->insert(to->end(), from.begin(), from.end());
}

}  // namespace

const char* WorkflowKindName(WorkflowKind kind) {
  switch (kind) {
    case WorkflowKind::kFerry: return "ferry run";
    case WorkflowKind::kSnakemake: return "snakemake";
    case WorkflowKind::kMake: return "make";
    case WorkflowKind::kExec: return "--exec";
  }
  return "?";
}

Status DetectWorkflow(const std::string& dir, const std::string& exec, WorkflowKind* kind) {
  if (!exec.empty()) {
    *kind = WorkflowKind::kExec;
    return Status::Ok();
  }
  if (IsFile(dir + "/pipeline.yml")) *kind = WorkflowKind::kFerry;
  else if (IsFile(dir + "/Snakefile")) *kind = WorkflowKind::kSnakemake;
  else if (IsFile(dir + "/Makefile")) *kind = WorkflowKind::kMake;
  else
    return Status::Invalid("no workflow in " + dir +
                           ": expected pipeline.yml (ferry run), Snakefile (snakemake) or Makefile (make); "
                           "or say what to run with --exec 'COMMAND'");
  return Status::Ok();
}

std::vector<std::string> WorkflowCommand(const WorkflowRequest& r, std::vector<std::string>* warnings) {
  std::vector<std::string> argv;
  const auto& args = r.user_args;
  switch (r.kind) {
    case WorkflowKind::kSnakemake: {
      argv = {"snakemake"};
      // Snakemake 7 insists on a core count; "all" uses what the machine has.
      if (HasOption(args, {"--cores", "--jobs", "-j", "-c"})) {
        if (r.cpus > 0)
          warnings->push_back("--cpus " + std::to_string(r.cpus) +
                              " is not passed to snakemake: its arguments already set --cores/--jobs");
      } else {
        argv.push_back("--cores=" + (r.cpus > 0 ? std::to_string(r.cpus) : std::string("all")));
      }
      if (r.memory_mib > 0) {
        if (HasOption(args, {"--resources", "--res"}))
          warnings->push_back("--memory is not passed to snakemake: its arguments already set --resources");
        else argv.push_back("--resources=mem_mb=" + std::to_string(r.memory_mib));  // one value: targets stay targets
      }
      Append(&argv, args);
      break;
    }
    case WorkflowKind::kMake:
      argv = {"make"};
      if (r.cpus > 0) {
        if (HasOption(args, {"-j", "--jobs"}))
          warnings->push_back("--cpus " + std::to_string(r.cpus) +
                              " is not passed to make: its arguments already set -j");
        else argv.push_back("-j" + std::to_string(r.cpus));
      }
      Append(&argv, args);
      break;
    case WorkflowKind::kFerry: {
      std::vector<std::string> run = {r.ferry_program, "run", "pipeline.yml"};
      Append(&run, args);
      if (r.cpus <= 0 && r.memory_mib <= 0) {
        argv = std::move(run);
        break;
      }
      // The executor's capacity goes in through an extra config file written
      // next to the run (in the job too), removed afterwards.
      std::vector<std::string> lines;
      if (r.cpus > 0) lines.push_back("executor.cpus = " + std::to_string(r.cpus));
      if (r.memory_mib > 0) lines.push_back("executor.memory = '" + std::to_string(r.memory_mib) + " MB'");
      std::string printf_args;
      for (const auto& l : lines) printf_args += " " + ShellQuote(l);
      argv = {"sh", "-c",
              "f=$(mktemp) || exit 1; printf '%s\\n'" + printf_args +
                  " > \"$f\"; \"$@\" -c \"$f\"; s=$?; rm -f \"$f\"; exit $s",
              "sh"};
      Append(&argv, run);
      break;
    }
    case WorkflowKind::kExec:
      // The user's command line, with the arguments after `--` appended.
      argv = {"sh", "-c", r.exec + " \"$@\"", "sh"};
      Append(&argv, args);
      if (r.cpus > 0 || r.memory_mib > 0)
        warnings->push_back("--cpus/--memory size the Batch job only: ferry cannot tell an --exec command about them");
      break;
  }
  return argv;
}

}  // namespace ferry::remote_build
