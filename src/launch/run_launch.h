// One `ferry run` from its parsed options to its exit code: loads the
// pipeline and config, expands the task graph, checks it (-preview stops
// there), locks the launch directory (store/run_lock.h), sets up the
// executors, records the run and drives it to the end, printing progress and
// a summary.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "util/status.h"

namespace ferry {

// What the command line of ferry run asked for.
struct RunRequest {
  std::string pipeline;
  bool resume = false;
  std::vector<std::string> profiles;
  std::vector<std::string> configs;
  std::string work_dir;    // -work-dir, checked when s3://
  std::string bucket_dir;  // -bucket-dir, checked
  bool trace = false;
  std::string trace_file;
  int ansi = -1;  // -1 auto
  std::string params_file;
  bool preview = false;
  bool stub_run = false;      // -stub-run: tasks run their stub: instead of their script
  bool report = false;        // -with-report
  std::string report_file;    // "" -> report-<run>.html
  bool timeline = false;      // -with-timeline
  std::string timeline_file;  // "" -> timeline-<run>.html
  std::string dag_file;       // -with-dag, "" none
  bool help = false;          // -help: the command prints its usage instead
  std::vector<std::pair<std::string, std::optional<std::string>>> params;  // --name [value]
  std::string command_line;                                                // as typed, for `ferry log`
};

// Returns the process exit code (0 ok, 1 failed, 2 bad input or another
// ferry run or clean holding the launch directory's lock, 130 interrupted);
// errors are printed to stderr.
int LaunchRun(const RunRequest& request);

// The params part of `ferry run PIPELINE --help`: loads the pipeline (every
// mistake in it is an error, as for a run) and describes its params.
Status PipelineParamsHelp(const std::string& pipeline, std::string* text);

}  // namespace ferry
