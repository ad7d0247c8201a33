// -resume's decision about the AWS Batch jobs earlier runs left with no
// recorded end (a ferry that was killed, or lost its machine): a job that
// SUCCEEDED and left .exitcode 0 in its work dir is recorded COMPLETED in
// its run's history, so the engine's cache look-up reuses it; a job still
// SUBMITTED..RUNNING is handed to the awsbatch executor to watch as the
// task's own (no second SubmitJob); a FAILED job, or one Batch does not
// know, is closed in the journal and its task runs again per errorStrategy.
#pragma once

#include <cstdint>
#include <vector>

#include "aws/batch_client.h"
#include "aws/s3_client.h"
#include "awsbatch/awsbatch_executor.h"
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

}  // namespace ferry
