// What config and options decide about a run before any task starts: where
// work dirs go, whether and where the trace is written, how much the local
// executor may use, and the executors themselves, with AWS (the awsbatch
// executor, the S3 work store) set up only when some task needs it, and the
// slurm executor when some task runs on Slurm.
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
#include "engine/publish_guard.h"
#include "engine/run_driver.h"
#include "engine/task_graph.h"
#include "executor/local_executor.h"
#include "slurm/slurm_executor.h"
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

// What no task may publish over (PublishGuard): the pipeline file, the
// config files read, the params file (may be ""), and every local input a
// task reads from outside the local work root. Relative paths are under
// launch_dir.
struct RunFiles {
  std::string launch_dir;
  std::string pipeline_file;
  std::vector<std::string> config_files;
  std::string params_file;
  std::string work_root;
};
void ProtectRunFiles(const RunFiles& files, const TaskGraph& graph, PublishGuard* guard);

// The local executor's capacity: the host's cpus and memory unless
// executor.cpus / executor.memory say otherwise.
Status ExecutorCapacity(const Config& config, ExecutorSlot* slot);

// The container engine local tasks with a `container` run in
// (docker.*/podman.*), passing the config's env variables in by name.
Status LocalContainers(const Config& config, const std::vector<std::pair<std::string, std::string>>& env,
                       ContainerSettings* out);

// With no engine enabled, local and slurm tasks that name a `container` run
// without it (on this machine, on the Slurm nodes): one warning for the run
// saying so, how many of each executor, and how to change it ("" when no
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

  // The slurm executor, when some task runs on Slurm (else its slot goes
  // away): executor.* settings, array job logs under the local work root.
  // Messages go to *progress once it exists, else stderr.
  Status SetUpSlurm(const Config& config, const TaskGraph& graph, const WorkRoots& roots, Progress** progress,
                    RunOptions* run_opts);

  // Once History::BeginRun has named the run: the awsbatch and slurm
  // executors (those there are) journal their jobs in ferry_dir's history
  // under `run`, and with `resume` first take over what earlier runs left in
  // Batch or Slurm (launch/job_adoption.h); *notice says what it found (""
  // for nothing).
  Status StartJournal(const std::string& ferry_dir, const RunRecord& run, bool resume, History* history,
                      std::string* notice);

  // After History::FinishRun: the journal records which jobs ended.
  Status FinishJournal();

  const std::map<std::string, ExecutorSlot>& slots() const { return slots_; }
  // Where the local executor records the tasks it runs (task_ledger.h).
  void SetTaskLedger(std::unique_ptr<TaskLedger> ledger) { local_.set_ledger(std::move(ledger)); }

 private:
  LocalExecutor local_;
  std::unique_ptr<S3WorkStore> store_;
  std::unique_ptr<AwsBatchExecutor> batch_;
  std::unique_ptr<slurm::SlurmExecutor> slurm_;
  std::shared_ptr<slurm::CommandRunner> slurm_runner_;
  std::shared_ptr<aws::BatchClient> batch_client_;
  std::shared_ptr<aws::S3Client> s3_client_;
  std::map<std::string, ExecutorSlot> slots_;
};

}  // namespace ferry
