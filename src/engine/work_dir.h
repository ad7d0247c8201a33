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

// "output 'NAME' (declared at pipeline.yml:LINE:COL)": how a failed output
// check names the output, so the message leads to the line to change (the
// bare name when the task has no spec, as in unit tests).
std::string OutputLabel(const Task& task, const std::string& name);

// Ok if every required output exists; otherwise a Failed status naming the
// first missing output, what was expected and the work dir. Late outputs
// (pipeline.h OutputDecl) are looked for and what the task left goes into
// *found under the output's name: a pattern's sorted matches (never a
// staged input nor ferry's .command.* files; none is a failure unless the
// output is optional), an optional path or null. Outputs that are not late
// leave *found alone, so a task without late outputs allocates nothing.
Status CheckOutputs(const Task& task, ValueMap* found);

// The paths under `dir` (relative to it, sorted) that match `pattern`,
// minus those in `exclude` (a task's staged inputs) and ferry's own files.
std::vector<std::string> MatchInDir(const std::string& dir, const std::string& pattern,
                                    const std::vector<std::string>& exclude);

// `why` (how the task failed) with what the work dir says about it: a work
// dir that vanished while the task ran makes the exit status meaningless
// (the message says so instead, and *status_lost is set), and a full file
// system is named beside it.
std::string ExplainWorkDirFailure(const Task& task, const std::string& why, bool* status_lost);

// True if the dir records a successful run (.exitcode 0) and all outputs
// exist; *found as CheckOutputs fills it.
bool CompletedOutputsPresent(const Task& task, ValueMap* found);

// The last `lines` lines of a text file ("" if unreadable).
std::string TailFile(const std::string& path, int lines);
// The last `lines` lines of `data`; drops the first line when it may be cut.
std::string TailText(const std::string& data, int lines, bool first_line_cut = false);

}  // namespace ferry
