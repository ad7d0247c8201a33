// AwsBatchExecutor: runs tasks as AWS Batch jobs whose work dirs are on S3.
// Submit() only queues; Poll() does the work in bounded steps: uploads each
// task's .command.sh/.command.run (and local inputs, once, to a staging area
// under the bucket dir), finds or registers the job definition for the
// task's container and settings, submits through the shared rate limiter
// (tasks of one array key go as array jobs), watches jobs with DescribeJobs
// (100 ids a call, every poll interval), and turns finished jobs into
// TaskResults using the task's .exitcode on S3, Batch's reasons and, when a
// job died without running the task, the tail of its CloudWatch log stream.
// AbortAll() terminates every job still queued or running.
//
// With a journal (UseJournal), each job's intent is committed before its
// SubmitJob and its id after, and its end once seen, so a ferry that dies
// leaves its jobs findable; Adopt() hands over jobs of an earlier run still
// queued or running: the task with that hash is watched on that job instead
// of being submitted again. Single-threaded
// from the engine's point of view; AWS calls may complete on the transport
// thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "aws/batch_client.h"
#include "aws/logs_client.h"
#include "aws/s3_client.h"
#include "executor/executor.h"
#include "store/job_journal.h"

namespace ferry {

struct AwsBatchOptions {
  std::string bucket_dir;                           // s3://bucket/path: work root (task work dirs are under it)
  std::string bucket_dir_origin = "-bucket-dir";    // what set it, named in errors: -bucket-dir, -work-dir, workDir
  std::string region;                               // passed to the CLI inside jobs (--region)
  std::string endpoint_url;                         // when set, passed to the CLI inside jobs (--endpoint-url)
  std::string cli_path;                             // aws.batch.cliPath; empty: `aws` on the container's PATH
  std::vector<std::string> volumes;                 // aws.batch.volumes entries: /path or /host:/ctr[:ro|rw]
  std::string job_role;                             // aws.batch.jobRole (ARN)
  std::string logs_group;                           // aws.batch.logsGroup; empty: /aws/batch/job
  std::string bin_dir;                              // the pipeline's bin/ (absolute; "" none): on jobs' PATH
  int max_parallel_transfers = 4;                   // aws.batch.maxParallelTransfers
  int max_transfer_attempts = 1;                    // aws.batch.maxTransferAttempts
  int64_t delay_between_attempts_ms = 10000;        // aws.batch.delayBetweenAttempts
  int max_spot_attempts = 0;                        // aws.batch.maxSpotAttempts
  std::string retry_mode = "standard";              // aws.batch.retryMode (AWS_RETRY_MODE inside jobs)
  bool fargate = false;                             // aws.batch.platformType = 'fargate'
  std::string execution_role;                       // aws.batch.executionRole (ARN)
  bool assign_public_ip = true;                     // aws.batch.assignPublicIp (Fargate)
  std::string fargate_platform_version = "LATEST";  // aws.batch.fargatePlatformVersion
  std::string share_identifier;                     // aws.batch.shareIdentifier (fair-share queues)
  int64_t scheduling_priority = -1;                 // aws.batch.schedulingPriority; < 0 unset
  int queue_size = 1000;                            // executor.queueSize: jobs in flight at most
  int64_t poll_interval_ms = 10000;                 // executor.pollInterval
  // A job SUBMITTED, PENDING or RUNNABLE for longer than this (in one of
  // them) gets one warning naming its status, queue, requested resources
  // and Batch's status reason.
  int64_t runnable_warning_ms = 5 * 60 * 1000;
  // Where warnings and notices go (the progress display); may be empty.
  std::function<void(const std::string&)> on_message;
};

// What a run asked of Batch, for `bench/batch_overhead` and the trace.
struct AwsBatchStats {
  std::map<std::string, int64_t> calls_by_operation;  // Batch API calls
  int64_t tasks_submitted = 0;
  int64_t array_jobs = 0;
  int peak_submit_per_second = 0;
  double submit_rate_limit = 0;
  int64_t throttled = 0;
  int64_t spot_retries = 0;
};

// A job of an earlier run, still queued or running, that a task of this run
// (the first attempt of the task with this hash) watches as its own.
struct AdoptedJob {
  JournalJob origin;         // its journal row (marked ended once the job is seen ended)
  std::string job_id;        // what DescribeJobs is asked about (parent:index for an array child)
  std::string terminate_id;  // what TerminateJob gets (the parent for an array child)
  std::string status;        // its Batch status when adopted
};

class AwsBatchExecutor : public Executor {
 public:
  AwsBatchExecutor(AwsBatchOptions options, std::shared_ptr<aws::BatchClient> batch, std::shared_ptr<aws::S3Client> s3,
                   std::shared_ptr<aws::LogsClient> logs);
  ~AwsBatchExecutor() override;

  const char* name() const override { return "awsbatch"; }
  // Checks: every task has a queue and a container (or job-definition://);
  // every queue exists and is usable (a missing one is named with the region,
  // which must be the one the Batch environment was created in); every
  // job-definition:// exists; the bucket dir is writable (a denied request
  // names the action and the bucket).
  Status Preflight(const std::vector<TaskRun>& planned) override;
  Status Submit(const TaskRun& run) override;
  Status Poll(int timeout_ms, std::vector<TaskResult>* finished) override;
  size_t running() const override;
  // TerminateJob for every job not yet finished, then waits (up to grace_ms)
  // for Batch to report them ended; every task not finished is kAborted.
  void AbortAll(int grace_ms, std::vector<TaskResult>* aborted) override;

  AwsBatchStats stats() const;

  // Journal the jobs of run `run_id` (named `run_name`, which goes into job
  // names and the ferry-run tag; `pipeline` is the ferry-pipeline tag) from
  // now on. Called before the first Submit.
  void UseJournal(std::shared_ptr<JobJournal> journal, int64_t run_id, const std::string& run_name,
                  const std::string& pipeline = "");
  // Jobs to watch instead of submitting, by task hash. Before the first Submit.
  void Adopt(std::vector<AdoptedJob> jobs);
  // Records in the journal the end of every job seen ended so far. Called
  // once the run's history holds their tasks' results: until then a job
  // stays open, so a ferry killed before is followed by a -resume that looks
  // at the job again instead of losing its result.
  Status JournalEnds();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ferry
