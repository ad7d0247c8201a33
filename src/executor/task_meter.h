// TaskMeter: runs one command as a child and measures what it used, for
// the tasks of AWS Batch jobs. No ferry reaps a job's task, so the job
// measures it itself (`ferry-job measure`, src/job/measure_command.h, which
// the .command.run of awsbatch/batch_wrapper.cc runs the task under) with
// the kernel counters the local executor reads: the rusage of the reaped
// child (CPU time of the whole tree it reaped, its largest peak RSS) and
// /proc/<pid>/io of the child as a zombie (which the kernel sums over the
// children it reaped), plus the peak number of processes and threads under
// it, sampled as it runs. Meant for a process that does nothing else
// meanwhile: it blocks SIGCHLD and the signals it forwards.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "events/task_usage.h"
#include "util/status.h"

namespace ferry {

struct MeteredRun {
  // As a shell reports it: the exit status, or 128 + the signal that
  // killed it, or 127 when the command cannot be run (the child says why
  // on its stderr).
  int exit_code = -1;
  TaskUsage usage;
};

// Runs argv (argv[0] looked up in PATH) with this process's environment
// and descriptors, forwards SIGTERM, SIGINT and SIGHUP to it (those this
// process does not ignore), and returns once it exited. An error only when
// it cannot be started (no command, fork failed).
Status RunMetered(const std::vector<std::string>& argv, MeteredRun* out);

// The pids in a /proc/<pid>/task/<tid>/children file ("12 345 "); stops
// at the first word that is not one.
std::vector<int> ParseChildPids(const std::string& text);

}  // namespace ferry
