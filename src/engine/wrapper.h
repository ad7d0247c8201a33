// The task wrapper (.command.run): a small bash script written into each work
// dir that runs .command.sh with stdout and stderr
// captured, forwards SIGTERM to it, and records the exit status in .exitcode.
// Executors only have to start `bash .command.run` in the work dir, and a user
// can re-run a task by hand the same way. Generation is pure text.
#pragma once

#include <string>

#include "engine/task_graph.h"

namespace ferry {

// Wrapper for tasks whose inputs are on the local file system. The engine
// links the inputs into the work dir itself before the wrapper runs (one
// symlink() each instead of one `ln` process each: a gather of 10,000 files
// would otherwise fork 10,000 times).
// `bin_dir` (absolute; "" for none) is the pipeline's bin/, put first on
// the task's PATH.
std::string LocalWrapperScript(const Task& task, const std::string& bin_dir);

// Wrapper for a local task that runs in its container: the same start, then
// `run_lines` (engine/container_command.h) instead of sourcing .command.sh.
std::string ContainerWrapperScript(const Task& task, const std::string& run_lines);

// `PATH=DIR:$PATH` and its export, as one line of POSIX sh; "" for no dir.
std::string PathPrependLine(const std::string& dir);

// Which shell runs .command.sh inside a container image (local containers
// and AWS Batch jobs): bash where the image has one, since task scripts are
// bash scripts, else the image's sh, so that POSIX scripts also run in an
// image that has only busybox. A POSIX sh command setting $ferry_shell.
std::string TaskShellChoice();

// The .command.sh for a rendered script: a bash shebang that stops on errors
// and unset variables, then the script.
std::string TaskScriptFile(const std::string& rendered_script);

}  // namespace ferry
