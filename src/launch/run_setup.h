// What config and options decide about a run before any task starts: where
// work dirs go, whether and where the trace is written, how much the local
// executor may use, and the executors themselves, with AWS (the awsbatch
// executor, the S3 work store) set up only when some task needs it.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "awsbatch/awsbatch_executor.h"
#include "awsbatch/s3_work_store.h"
#include "config/config.h"
#include "engine/container_settings.h"
#include "engine/run_driver.h"
#include "engine/task_graph.h"
#include "executor/local_executor.h"
#include "ui/progress.h"
#include "util/status.h"

namespace ferry {

// Local tasks use -work-dir, else a local workDir, else ./work (made
// absolute); tasks on awsbatch use -bucket-dir, else an s3:// -work-dir or
// workDir. The options come checked (CheckS3WorkRoot) from the command line.
struct WorkRoots {
  std::string local;
  std::string s3;         // "" when no S3 work root is set
  std::string s3_origin;  // the option or setting s3 came from, for errors
};
Status ResolveWorkRoots(const Config& config, const std::string& work_dir_option, const std::string& bucket_dir_option,
                        WorkRoots* out);

// -with-trace [FILE] or trace.enabled/trace.file; a time-stamped file name
// when none is given.
struct TraceChoice {
  bool on = false;
  std::string file;
};
TraceChoice ResolveTrace(const Config& config, bool option_on, const std::string& option_file);

// The local executor's capacity: the host's cpus and memory unless
// executor.cpus / executor.memory say otherwise.
Status ExecutorCapacity(const Config& config, ExecutorSlot* slot);

// The container engine local tasks with a `container` run in
// (docker.*/podman.*), passing the config's env variables in by name.
Status LocalContainers(const Config& config, const std::vector<std::pair<std::string, std::string>>& env,
                       ContainerSettings* out);

// With no engine enabled, local tasks that name a `container` run on the
// host: one warning for the run saying so and how to change it ("" when no
// such task exists or an engine is enabled).
std::string ContainersIgnoredWarning(const TaskGraph& graph, const ContainerSettings& containers);

// The executors of one run, by name, and what they need to live.
class RunExecutors {
 public:
  // The local executor, and an awsbatch slot known before it exists so that
  // RunDriver::Validate accepts its tasks.
  Status Init(const Config& config);
  // AWS, when some task runs on Batch or touches S3: settings errors, a
  // missing region and missing credentials stop the run here, before any
  // task starts. Without such tasks the awsbatch slot goes away. Messages
  // of the awsbatch executor go to *progress once it exists, else stderr.
  Status SetUpAws(const Config& config, const TaskGraph& graph, const WorkRoots& roots, Progress** progress,
                  RunOptions* run_opts);

  const std::map<std::string, ExecutorSlot>& slots() const { return slots_; }

 private:
  LocalExecutor local_;
  std::unique_ptr<S3WorkStore> store_;
  std::unique_ptr<AwsBatchExecutor> batch_;
  std::map<std::string, ExecutorSlot> slots_;
};

}  // namespace ferry
