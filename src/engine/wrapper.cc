#include "engine/wrapper.h"

#include "util/text.h"

namespace ferry {

std::string TaskScriptFile(const std::string& rendered_script) {
  std::string s = "#!/bin/bash -ue\n" + rendered_script;
  if (s.back() != '\n') s += '\n';
  return s;
}

std::string LocalWrapperScript(const Task& task) {
  // One bash process per task: the script is sourced (not run by a second
  // bash) with the same -ue options its shebang gives, and an EXIT trap
  // records the status whichever way the script ends. Timestamps come from
  // printf's %()T, so no `date` process is spawned either, and nothing else
  // runs outside bash builtins (the engine empties the work dir beforehand,
  // so no `rm` is needed). Stopping the task is the executor's job: it
  // signals the whole process group.
  std::string s;
  s += "#!/bin/bash\n";
  s += "# ferry task wrapper for " + task.display + " (generated).\n";
  s += "# Re-run this task by hand with: bash .command.run\n";
  s += "cd " + ShellQuote(task.work_dir) + " || exit 1\n";
  s += "printf '%(%Y-%m-%d %H:%M:%S)T start %s\\n' -1 " + ShellQuote(task.display) + " > .command.log\n";
  s += "ferry_exit() {\n";
  s += "  ret=$?\n";
  s += "  printf '%(%Y-%m-%d %H:%M:%S)T exit %d\\n' -1 \"$ret\" >> .command.log\n";
  s += "  printf '%d' \"$ret\" > .exitcode\n";
  s += "}\n";
  s += "trap ferry_exit EXIT\n";
  s += "exec > .command.out 2> .command.err < /dev/null\n";
  s += "set -ue\n";
  s += ". ./.command.sh\n";
  return s;
}

}  // namespace ferry
