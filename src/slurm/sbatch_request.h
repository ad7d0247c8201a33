// SbatchRequest: the sbatch command line and job script for one task, or for
// the tasks of one array (a Slurm job array whose element N runs the N-th
// task). What the task asked for becomes sbatch options: queue -> partition,
// cpus, memory (whole MiB, rounded up), time (whole minutes, rounded up:
// Slurm counts limits in minutes), accelerator -> --gres=gpu:N, and the
// words of clusterOptions passed through as they are. The job script only
// enters the task's work dir (on the file system the nodes share) and runs
// its .command.run there, so a Slurm task behaves as a local one does;
// before that it writes the job's marker (kJobMarker) into the work dir, so
// ferry sees that the job started, and which job it is, without asking
// Slurm, and after it the wrapper's exit status (kJobEnd), so ferry knows
// the job ended by itself: a job killed (time limit, scancel) dies with its
// wrapper and writes none. Pure text: no I/O.
#pragma once

#include <string>
#include <vector>

#include "executor/executor.h"
#include "util/status.h"

namespace ferry::slurm {

// The file the job script writes into a task's work dir when the job starts:
// one line "<job id> <job name>" (an array element's id as <job>_<index>).
inline constexpr const char* kJobMarker = ".command.begin";
// The file the job script writes when the task's wrapper has returned: its
// exit status. A bash killed by a signal may still record .exitcode 0 in its
// EXIT trap; only this file says the job was not killed.
inline constexpr const char* kJobEnd = ".command.end";

struct SbatchRequest {
  std::string job_name;           // --job-name, what a journal finds the job by
  std::vector<std::string> argv;  // starts with "sbatch"; the script goes to its stdin
  std::string script;
  // Where Slurm writes the job's own output (its messages on a memory or
  // time limit land there), per task in the order given.
  std::vector<std::string> job_logs;
};

// What every job of a run shares.
struct SbatchContext {
  std::string run_name;  // goes into job names, with the task's name
  // Array jobs write their output here (one file per element, named by
  // job id and index); single jobs write theirs into the work dir.
  std::string array_log_dir;
  // Numbers the run's job arrays, so that each has a name of its own.
  int array_seq = 0;
};

// A job name Slurm shows in squeue: "ferry-<run>-<task>-<attempt>", with
// characters other than letters, digits, '.', '_' and '-' replaced by '_',
// at most 100 characters (the task's part is cut, never the attempt). An
// array's name has "<process>-array<seq>" in place of the task.
std::string JobName(const std::string& run_name, const std::string& task_name, int attempt);

// The words of a clusterOptions value, split like the shell splits an
// unquoted line (single and double quotes group, a backslash escapes).
// Invalid for an unterminated quote.
Status SplitClusterOptions(const std::string& text, std::vector<std::string>* words);

// The request for `tasks`: one task, or 2+ tasks of one array key (they
// share settings; the first one's resources are asked for every element).
// Invalid when clusterOptions cannot be split.
Status BuildSbatchRequest(const std::vector<const TaskRun*>& tasks, const SbatchContext& context, SbatchRequest* out);

// The sbatch options a task's resources map to (without clusterOptions).
std::vector<std::string> ResourceOptions(const TaskRun& task);

}  // namespace ferry::slurm
