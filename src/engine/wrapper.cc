#include "engine/wrapper.h"

#include "util/text.h"

namespace ferry {

std::string TaskScriptFile(const std::string& rendered_script) {
  std::string s = "#!/bin/bash -ue\n" + rendered_script;
  if (s.back() != '\n') s += '\n';
  return s;
}

std::string TaskShellChoice() {
  return "if command -v bash >/dev/null 2>&1; then ferry_shell=bash; else ferry_shell=sh; fi";
}

namespace {

// What every local wrapper starts with: into the work dir, the status
// recorded whichever way it ends, output captured.
std::string WrapperHead(const Task& task) {
  std::string s;
  s += "#!/bin/bash\n";
  s += "# ferry task wrapper for " + task.display + " (generated).\n";
  s += "# Re-run this task by hand with: bash .command.run\n";
  s += "cd " + ShellQuote(task.work_dir) + " || exit 1\n";
  s += "trap 'printf %d \"$?\" > .exitcode' EXIT\n";
  s += "exec > .command.out 2> .command.err < /dev/null\n";
  return s;
}

}  // namespace

std::string PathPrependLine(const std::string& dir) {
  if (dir.empty()) return "";
  return "PATH=" + ShellQuote(dir) + ":\"$PATH\"; export PATH\n";
}

std::string LocalWrapperScript(const Task& task, const std::string& bin_dir) {
  // One bash process per task: the script is sourced (not run by a second
  // bash) with the same -ue options its shebang gives, and an EXIT trap
  // records the status whichever way the script ends. Nothing runs outside
  // bash builtins (the engine empties the work dir beforehand, so no `rm`).
  // The executor points this wrapper's own stdout and stderr at .command.log
  // (so a failure before the script starts is recorded there) and records
  // start and end times itself. Stopping the task is the executor's job: it
  // signals the whole process group. The local executor usually sources this
  // file in a subshell forked from a long-lived bash rather than running
  // `bash .command.run` (executor/shell_zygote.h), so it must work both ways:
  // it cds itself and sets its options, and does nothing with $0 or $$.
  std::string s = WrapperHead(task);
  s += PathPrependLine(bin_dir);  // the pipeline's bin/: its scripts by name
  s += "set -ue\n";
  s += ". ./.command.sh\n";
  return s;
}

std::string ContainerWrapperScript(const Task& task, const std::string& run_lines) {
  // The same head, so the executor sees no difference; the wrapper waits
  // for the engine's CLI instead of sourcing the script (no -e: its status
  // is handled).
  return WrapperHead(task) + "set -u\n" + run_lines;
}

}  // namespace ferry
