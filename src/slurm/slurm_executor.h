// SlurmExecutor: runs tasks as Slurm batch jobs. The work dirs are local
// paths on a file system the cluster's nodes share; the engine writes them
// as for a local task, and each job only runs the task's .command.run there
// (sbatch_request.h). Submit() only queues; Poll() submits (tasks of one
// array key together as a job array, at most submit_rate sbatch calls a
// second), asks squeue about every job of the run in one call per poll
// interval, and turns finished jobs into TaskResults from the task's
// .exitcode and Slurm's final state (slurm_state.h): OUT_OF_MEMORY and
// TIMEOUT become clear failures, NODE_FAIL and PREEMPTED are submitted again
// (counted as spot_retries). AbortAll() cancels every job with one scancel
// and waits until squeue shows none of them still queued or running.
//
// Without Slurm accounting (no slurmdbd, so no sacct) a job's final state is
// seen in squeue only for MinJobAge after it ends; a job gone from squeue is
// judged by its .exitcode alone (waited for up to exit_read_timeout_ms,
// for shared file systems slow to show it). Each squeue call covers all jobs. Single-threaded; Slurm commands run
// through the CommandRunner given (a fake one in tests).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "executor/executor.h"
#include "slurm/command_runner.h"
#include "slurm/sbatch_request.h"
#include "slurm/slurm_state.h"

namespace ferry::slurm {

struct SlurmOptions {
  int queue_size = 100;             // executor.queueSize: jobs in flight (the run driver enforces it)
  int64_t poll_interval_ms = 5000;  // executor.pollInterval: between squeue calls
  double submit_per_second = 10;    // executor.submitRateLimit: sbatch calls a second
  int max_node_retries = 3;         // NODE_FAIL/PREEMPTED resubmissions per task attempt
  // How long a job that Slurm says ended (or no longer lists) may go
  // without its .exitcode appearing before the task fails: a shared file
  // system may show a file written on a node seconds later here.
  int64_t exit_read_timeout_ms = 20000;
  std::string array_log_dir;  // where job arrays write their output (made on first use)
  std::string run_name;       // in job names
  // Warnings (a work dir the nodes may not share); may be empty.
  std::function<void(const std::string&)> on_message;
};

// What a run asked of Slurm, for bench/slurm_overhead.
struct SlurmStats {
  long commands = 0;  // Slurm commands run (sbatch, squeue, scancel, sinfo)
  long sbatch_calls = 0, squeue_calls = 0, scancel_calls = 0;
  long tasks_submitted = 0, array_jobs = 0, node_retries = 0;
};

class SlurmExecutor : public Executor {
 public:
  SlurmExecutor(SlurmOptions options, std::shared_ptr<CommandRunner> runner);
  const char* name() const override { return "slurm"; }
  // Checks that sbatch runs, that every task's partition exists (listing the
  // ones that do) and that some node of it has the cpus and memory asked
  // for; warns when the work dirs are on a file system that nodes other
  // than this host may not see.
  Status Preflight(const std::vector<TaskRun>& planned) override;
  Status Submit(const TaskRun& run) override;
  Status Poll(int timeout_ms, std::vector<TaskResult>* finished) override;
  size_t running() const override { return tasks_.size() + done_.size(); }
  void AbortAll(int grace_ms, std::vector<TaskResult>* aborted) override;

  void set_run_name(const std::string& name) { options_.run_name = name; }
  SlurmStats stats() const;

 private:
  struct Tracked {
    TaskRun run;
    std::string job_id;  // "123", or "123_4" for an array element; "" until submitted
    std::string log;     // the job's output file
    int64_t submit_ms = 0, start_ms = 0;
    int64_t ended_unread_ms = 0;  // when it was first seen ended without an .exitcode; 0 = not yet
    int node_retries = 0;
  };

  void SubmitDue(int64_t now_ms);
  void SubmitGroup(const std::vector<uint64_t>& ids, int64_t now_ms);
  void CheckStates(int64_t now_ms);
  void Finish(uint64_t id, const JobState& state, int64_t now_ms);
  void Fail(uint64_t id, TaskResult::Outcome outcome, const std::string& message, int exit_code = -1);
  Status RunSlurm(const std::vector<std::string>& argv, const std::string& input, CommandOutput* out);
  void Say(const std::string& text) const;

  SlurmOptions options_;
  std::shared_ptr<CommandRunner> runner_;
  std::map<uint64_t, Tracked> tasks_;  // submitted or queued, not yet finished
  std::deque<uint64_t> queued_;        // not yet given to sbatch, in Submit() order
  std::vector<TaskResult> done_;
  int64_t next_check_ms_ = 0, next_submit_ms_ = 0;
  SlurmStats stats_;
  int seen_interrupts_ = 0;
};

}  // namespace ferry::slurm
