// SlurmExecutor: runs tasks as Slurm batch jobs. The work dirs are local
// paths on a file system the cluster's nodes share; the engine writes them
// as for a local task, and each job only runs the task's .command.run there
// (sbatch_request.h). Submit() only queues; Poll() submits (tasks of one
// array key together as a job array, at most submit_rate sbatch calls a
// second) and turns finished jobs into TaskResults.
//
// How it learns that jobs ended, as a client kind to the scheduler does:
// from the files jobs leave on the shared file system (job_files.h: the job
// script's marker when it starts, the wrapper's .exitcode when it ends),
// looked at every min(pollInterval, 1 s) for free. A job that exited 0 is
// done on its file's word. squeue (one call for all jobs) is asked only
// (a) for the final state of a job that exited non-zero, and (b) on a
// backoff schedule, to catch jobs that die without writing anything
// (NODE_FAIL, cancelled, killed over memory, preempted): the interval starts
// at pollInterval and doubles while squeue keeps confirming what the files
// said, up to 12 x pollInterval; back to pollInterval after a surprise (a
// job squeue says ended that the files had not). Slurm's final states map
// through slurm_state.h: OUT_OF_MEMORY and TIMEOUT become clear failures,
// NODE_FAIL and PREEMPTED are submitted again (counted as spot_retries).
// AbortAll() cancels every job with one scancel and waits until squeue
// shows none of them still queued or running.
//
// Without Slurm accounting (no slurmdbd, so no sacct) a job's final state is
// seen in squeue only for MinJobAge after it ends; a job gone from squeue is
// judged by its .exitcode alone (waited for up to exit_read_timeout_ms,
// for shared file systems slow to show it).
//
// With a journal (UseJournal), each job's intent is committed before its
// sbatch and its id after, so a ferry that dies leaves its jobs findable;
// Adopt() hands over jobs of an earlier run still queued or running: the
// task with that hash is watched on that job instead of being submitted
// again. Single-threaded; Slurm commands run through the CommandRunner
// given (a fake one in tests).
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
#include "store/job_journal.h"

namespace ferry::slurm {

struct SlurmOptions {
  int queue_size = 100;             // executor.queueSize: jobs in flight (the run driver enforces it)
  int64_t poll_interval_ms = 5000;  // executor.pollInterval: the shortest interval between squeue calls
  // The longest interval between squeue calls while they bring no news;
  // 0: 12 x poll_interval_ms.
  int64_t squeue_max_interval_ms = 0;
  // Between looks at the jobs' files (also never longer than poll_interval_ms).
  int64_t file_check_interval_ms = 1000;
  double submit_per_second = 10;  // executor.submitRateLimit: sbatch calls a second
  int max_node_retries = 3;       // NODE_FAIL/PREEMPTED resubmissions per task attempt
  // How long a job that Slurm says ended (or no longer lists) may go
  // without its .exitcode appearing before the task fails: a shared file
  // system may show a file written on a node seconds later here.
  int64_t exit_read_timeout_ms = 20000;
  std::string array_log_dir;  // where job arrays write their output (made on first use)
  std::string run_name;       // in job names
  // Warnings (a work dir the nodes may not share); may be empty.
  std::function<void(const std::string&)> on_message;
  // Epoch milliseconds; tests set a clock of their own to step the schedule.
  std::function<int64_t()> clock;
};

// A job of an earlier run, still queued or running, that a task of this run
// (the first attempt of the task with this hash and work dir) watches as
// its own.
struct AdoptedSlurmJob {
  JournalJob origin;   // its journal row (closed once the job is seen ended)
  std::string job_id;  // "123" or "123_4"
};

// What a run asked of Slurm, for bench/slurm_overhead.
struct SlurmStats {
  long commands = 0;  // Slurm commands run (sbatch, squeue, scancel, sinfo)
  long sbatch_calls = 0, squeue_calls = 0, scancel_calls = 0;
  long tasks_submitted = 0, array_jobs = 0, node_retries = 0;
  long ended_by_files = 0;  // jobs whose end the files told before squeue did
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

  // The task with this hash and work dir will be watched on an adopted job
  // (Adopt): its work dir must not be prepared again.
  bool WillAdopt(const std::string& hash, const std::string& work_dir) const override;

  void set_run_name(const std::string& name) { options_.run_name = name; }
  // Journal the jobs of run `run_id` from now on. Before the first Submit.
  void UseJournal(std::shared_ptr<JobJournal> journal, int64_t run_id);
  // Jobs to watch instead of submitting, by task hash. Before the first Submit.
  void Adopt(std::vector<AdoptedSlurmJob> jobs);
  // Records in the journal the end of every job seen ended so far; called
  // once the run's history holds their tasks' results.
  Status JournalEnds();
  SlurmStats stats() const;
  // When squeue is next due (epoch ms; 0: none due, no job watched), and the
  // interval it is at now: the schedule, for tests.
  int64_t next_squeue_ms() const { return next_squeue_ms_; }
  int64_t squeue_interval_ms() const { return squeue_interval_ms_; }

 private:
  struct Tracked {
    TaskRun run;
    std::string job_id;  // "123", or "123_4" for an array element; "" until submitted
    std::string log;     // the job's output file
    int64_t submit_ms = 0, start_ms = 0;
    int64_t ended_unread_ms = 0;  // when it was first seen ended without an .exitcode; 0 = not yet
    int node_retries = 0;
    // Slurm's final state, once squeue reported one (ended = true).
    bool ended = false;
    JobState final_state;
    // When the task's .exitcode was first seen non-zero with no final state
    // from squeue yet (which then decides what it means); 0 = not.
    int64_t failed_seen_ms = 0;
    JobKey journal_key;  // its journal row (run_id 0: not journalled)
  };

  int64_t Now() const;
  void SubmitDue(int64_t now_ms);
  void SubmitGroup(const std::vector<uint64_t>& ids, int64_t now_ms);
  void CheckFiles(int64_t now_ms);
  void CheckStates(int64_t now_ms);
  bool SqueueDue(int64_t now_ms) const;
  void Finish(uint64_t id, const JobState& state, int64_t now_ms);
  void Fail(uint64_t id, TaskResult::Outcome outcome, const std::string& message, int exit_code = -1);
  void Done(uint64_t id, TaskResult r);
  Status RunSlurm(const std::vector<std::string>& argv, const std::string& input, CommandOutput* out);
  void Say(const std::string& text) const;
  void JournalWarning(const Status& st);
  bool Watching() const;

  SlurmOptions options_;
  std::shared_ptr<CommandRunner> runner_;
  std::map<uint64_t, Tracked> tasks_;  // submitted or queued, not yet finished
  std::deque<uint64_t> queued_;        // not yet given to sbatch, in Submit() order
  std::vector<TaskResult> done_;
  int64_t next_files_ms_ = 0, next_submit_ms_ = 0;
  int64_t next_squeue_ms_ = 0, last_squeue_ms_ = 0, squeue_interval_ms_ = 0;
  SlurmStats stats_;
  int seen_interrupts_ = 0;
  int array_seq_ = 0;
  std::shared_ptr<JobJournal> journal_;
  int64_t run_id_ = 0;
  bool journal_warned_ = false;
  std::map<std::string, AdoptedSlurmJob> adoptable_;  // by task hash
  std::vector<JobKey> ended_;                         // seen ended, not yet recorded (JournalEnds)
};

}  // namespace ferry::slurm
