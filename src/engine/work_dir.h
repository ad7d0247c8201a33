// Work dir housekeeping for local work dirs: creating a task's dir with its
// scripts, checking its declared outputs after it ran, and reading back what
// a failure report needs (.exitcode, the tail of .command.err).
#pragma once

#include <string>
#include <vector>

#include "engine/container_command.h"
#include "engine/task_graph.h"
#include "util/status.h"

namespace ferry {

// Empties (or creates) task.work_dir, links the task's inputs into it under
// their staged names, and writes .command.sh and .command.run.
Status PrepareWorkDir(const Task& task, const std::string& script_file, const std::string& wrapper);

// The bind mounts that make a task's local inputs readable in a container:
// each input's real path (symlinks resolved), read-only, at the path its
// symlink in the work dir points to; one per path, parents first.
std::vector<ContainerMount> InputMounts(const Task& task);

// The paths (relative to the work dir) one declared output stands for: each
// element of a list output, else its one value.
std::vector<std::string> OutputPaths(const Value& output);

// Ok if every declared output exists; otherwise a Failed status naming the
// first missing output and what was expected.
Status CheckOutputs(const Task& task);

// `why` (how the task failed) with what the work dir says about it: a work
// dir that vanished while the task ran makes the exit status meaningless
// (the message says so instead, and *status_lost is set), and a full file
// system is named beside it.
std::string ExplainWorkDirFailure(const Task& task, const std::string& why, bool* status_lost);

// True if the dir records a successful run (.exitcode 0) and all outputs exist.
bool CompletedOutputsPresent(const Task& task);

// The last `lines` lines of a text file ("" if unreadable).
std::string TailFile(const std::string& path, int lines);
// The last `lines` lines of `data`; drops the first line when it may be cut.
std::string TailText(const std::string& data, int lines, bool first_line_cut = false);

}  // namespace ferry
