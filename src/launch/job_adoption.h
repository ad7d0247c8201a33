// -resume's decision about the AWS Batch and Slurm jobs earlier runs left
// with no recorded end (a ferry that was killed, or lost its machine): a job
// that ended and left .exitcode 0 in its work dir (SUCCEEDED on Batch) is
// recorded COMPLETED in its run's history, so the engine's cache look-up
// reuses it; a job still queued or running is handed to its executor to
// watch as the task's own (no second SubmitJob or sbatch); a failed job, or
// one the service does not know, is closed in the journal and its task runs
// again per errorStrategy. The same rule for both; only the looking up
// differs (awsbatch/job_lookup.h, slurm/journaled_jobs.h), and both feed one
// decision loop.
#pragma once

#include <cstdint>
#include <vector>

#include "aws/batch_client.h"
#include "aws/s3_client.h"
#include "awsbatch/awsbatch_executor.h"
#include "slurm/command_runner.h"
#include "slurm/slurm_executor.h"
#include "store/history.h"
#include "store/job_journal.h"
#include "util/status.h"

namespace ferry {

struct AdoptionCounts {
  int reused = 0;   // succeeded meanwhile: cached
  int watched = 0;  // still in Batch: adopted
  int again = 0;    // failed or gone: run again
};

Status AdoptEarlierJobs(aws::BatchClient& batch, aws::S3Client& s3, JobJournal& journal, History& history,
                        std::vector<AdoptedJob>* watch, AdoptionCounts* counts);

// The same for the Slurm jobs of the journal (one squeue call for all).
Status AdoptEarlierSlurmJobs(slurm::CommandRunner& runner, JobJournal& journal, History& history,
                             std::vector<slurm::AdoptedSlurmJob>* watch, AdoptionCounts* counts);

// What -resume's counts say, one line ("" when there was nothing).
std::string AdoptionNotice(const std::string& service, const AdoptionCounts& counts);

}  // namespace ferry
