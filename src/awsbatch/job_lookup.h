// What AWS Batch says now about jobs a journal recorded (store/job_journal.h)
// with no end: by job id (DescribeJobs), and for an intent whose SubmitJob
// answer was never recorded, by its job name (ListJobs with a JOB_NAME
// filter; the newest job of that name). Ids found by name are written back
// to the journal. Shared by -resume's adoption and `ferry kill`.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "aws/batch_client.h"
#include "store/job_journal.h"
#include "util/status.h"

namespace ferry {

struct JobLook {
  JournalJob job;
  std::string job_id;        // "" when no job was found (never submitted, or Batch forgot it)
  std::string terminate_id;  // what TerminateJob takes: the job, or an array child's parent
  std::string status;        // Batch's status; "" when Batch does not know the job
  nlohmann::json detail;     // DescribeJobs' view of the job
};

// One JobLook per row, in order. Fails only when Batch cannot be asked.
Status LookUpJobs(aws::BatchClient& batch, JobJournal* journal, const std::vector<JournalJob>& rows,
                  std::vector<JobLook>* out);

// SUBMITTED, PENDING, RUNNABLE, STARTING or RUNNING: the job may still run.
bool IsActiveJobStatus(const std::string& status);

}  // namespace ferry
