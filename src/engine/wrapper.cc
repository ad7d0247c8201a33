#include "engine/wrapper.h"

#include <set>

#include "util/text.h"

namespace ferry {

std::string TaskScriptFile(const std::string& rendered_script) {
  std::string s = "#!/bin/bash -ue\n" + rendered_script;
  if (s.back() != '\n') s += '\n';
  return s;
}

std::string LocalWrapperScript(const Task& task) {
  std::string s;
  s += "#!/bin/bash\n";
  s += "# ferry task wrapper for " + task.display + " (generated).\n";
  s += "# Re-run this task by hand with: bash .command.run\n";
  s += "set -u\n";
  s += "cd " + ShellQuote(task.work_dir) + " || exit 1\n";
  s += "rm -f .exitcode .command.out .command.err\n";
  s += "printf '%s start %s\\n' \"$(date '+%Y-%m-%d %H:%M:%S')\" " + ShellQuote(task.display) +
       " > .command.log\n";
  // Staging: a symlink per input. Directories for collision-avoiding names
  // (input/N/file) are made first.
  std::set<std::string> dirs;
  for (const auto& in : task.staged) {
    size_t slash = in.name.rfind('/');
    if (slash != std::string::npos) dirs.insert(in.name.substr(0, slash));
  }
  for (const auto& d : dirs) s += "mkdir -p " + ShellQuote(d) + "\n";
  for (const auto& in : task.staged) {
    s += "ln -sfn " + ShellQuote(in.source) + " " + ShellQuote(in.name) +
         " || { echo 'ferry: cannot stage input '" + ShellQuote(in.source) +
         " >> .command.log; printf 1 > .exitcode; exit 1; }\n";
  }
  // Run the script in the background so the TERM trap can forward the
  // signal; wait again after a trapped signal until the child is gone, so the
  // recorded status is the child's own.
  s += "pid=\n";
  s += "ferry_forward() { [ -n \"$pid\" ] && kill -TERM \"$pid\" 2>/dev/null; }\n";
  s += "trap ferry_forward TERM INT HUP\n";
  s += "/bin/bash -ue .command.sh > .command.out 2> .command.err < /dev/null &\n";
  s += "pid=$!\n";
  s += "wait \"$pid\"; ret=$?\n";
  s += "while [ \"$ret\" -gt 128 ] && kill -0 \"$pid\" 2>/dev/null; do wait \"$pid\"; ret=$?; done\n";
  s += "printf '%s exit %d\\n' \"$(date '+%Y-%m-%d %H:%M:%S')\" \"$ret\" >> .command.log\n";
  s += "printf '%d' \"$ret\" > .exitcode\n";
  s += "exit \"$ret\"\n";
  return s;
}

}  // namespace ferry
