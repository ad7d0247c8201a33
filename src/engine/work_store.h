// WorkStore: where task work dirs live, seen from the engine. The run driver
// asks the store matching a task's work dir to prepare it, check its outputs,
// tell whether a recorded success is still there (-resume), publish its
// outputs, and read the tail of its files for failure reports. The local
// store (here) works on the file system; the S3 store (awsbatch/
// s3_work_store.h) on s3:// work dirs, so the engine never depends on AWS.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "engine/container_settings.h"
#include "engine/task_graph.h"
#include "util/status.h"

namespace ferry {

// True for s3:// paths (work dirs, inputs, publish targets on S3).
bool IsS3Path(std::string_view p);
// `rel` under work dir `dir`, for local dirs and s3:// dirs alike (an s3://
// URL must not be normalized as a file path: that would fold its "//").
std::string WorkPath(std::string_view dir, std::string_view rel);
// Where the work dir `dir` of a failed attempt `attempt` is kept once a
// retry starts: "<dir>-attempt<N>", beside the task's own (never a hash
// name, so it cannot meet another task's dir).
std::string AttemptWorkDir(std::string_view dir, int attempt);
// True when any staged input of the task is on S3.
bool HasS3Inputs(const Task& task);

class WorkStore {
 public:
  virtual ~WorkStore() = default;
  // Readies the work dir for one attempt whose rendered script is `script`.
  // The local store empties the dir, links local inputs and writes
  // .command.sh and .command.run; the S3 store writes nothing (its executor
  // uploads the scripts it builds from TaskRun::script).
  // `d` are the attempt's directives (its container may differ from the
  // first attempt's).
  virtual Status Prepare(const Task& task, const Directives& d, const std::string& script) = 0;
  // Copies the task's s3:// inputs into its (local) work dir under their
  // staged names, after Prepare and before the task starts.
  virtual Status FetchInputs(const Task& task) = 0;
  // Ok if every required output exists; else Failed naming the first
  // missing one and the work dir. What the task left of its late outputs
  // (patterns, optional files) goes into *found by output name, as
  // work_dir.h CheckOutputs says; other outputs leave it alone.
  virtual Status CheckOutputs(const Task& task, ValueMap* found) = 0;
  // True if the work dir records a successful run (.exitcode 0) and every
  // required output exists; *found as CheckOutputs fills it.
  virtual bool CompletedOutputsPresent(const Task& task, ValueMap* found) = 0;
  // Publishes every output under `dest` (an absolute dir or an s3:// URL),
  // keeping relative paths; nobody sees a half-written file there.
  virtual Status Publish(const Task& task, const std::string& dest) = 0;
  // The last `lines` lines of `file` (e.g. ".command.err") in the work dir; "" if unreadable.
  virtual std::string Tail(const Task& task, const std::string& file, int lines) = 0;
  // Removes a work dir prepared for a task that never started.
  virtual void Discard(const Task& task) = 0;
  // How a user can look at (or re-run) a failed task by hand.
  virtual std::string InspectHint(const Task& task) = 0;
  // Before a retry: moves the failed attempt's work dir aside so the next
  // attempt starts in a fresh one while the failed attempt's logs stay
  // readable; *kept is where they are now. The next attempt keeps the task's
  // own work dir, so downstream tasks and -resume find its outputs where the
  // graph says. Stores that cannot move a dir leave it (*kept = the work dir).
  virtual Status KeepAttempt(const Task& task, int attempt, std::string* kept) {
    (void)attempt;
    *kept = task.work_dir;
    return Status::Ok();
  }
  // `why` (a failed exit status, a missing output) with what the work dir
  // tells about it; *status_lost is set when the exit status means nothing
  // (the work dir vanished). Stores that cannot look return `why` as it is.
  virtual std::string ExplainFailure(const Task& task, const std::string& why, bool* status_lost) {
    (void)task;
    (void)status_lost;
    return why;
  }
};

// Work dirs on the local file system. A task with a `container` gets a
// wrapper that runs it in the image when a container engine is enabled.
class LocalWorkStore : public WorkStore {
 public:
  void set_containers(ContainerSettings s) { containers_ = std::move(s); }
  // The pipeline's bin/ (absolute), on every task's PATH; "" for none.
  void set_bin_dir(std::string dir) { bin_dir_ = std::move(dir); }
  Status Prepare(const Task& task, const Directives& d, const std::string& script) override;
  Status FetchInputs(const Task& task) override;
  Status CheckOutputs(const Task& task, ValueMap* found) override;
  bool CompletedOutputsPresent(const Task& task, ValueMap* found) override;
  Status Publish(const Task& task, const std::string& dest) override;
  std::string Tail(const Task& task, const std::string& file, int lines) override;
  void Discard(const Task& task) override;
  std::string InspectHint(const Task& task) override;
  // Renames the work dir to AttemptWorkDir(work dir, attempt).
  Status KeepAttempt(const Task& task, int attempt, std::string* kept) override;
  // Says when the work dir vanished or its file system is full.
  std::string ExplainFailure(const Task& task, const std::string& why, bool* status_lost) override;

 private:
  ContainerSettings containers_;
  std::string bin_dir_;
};

}  // namespace ferry
