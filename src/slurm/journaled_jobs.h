// What Slurm and the work dirs say now about jobs a journal recorded
// (store/job_journal.h) with no end, for -resume's adoption and `ferry
// kill`: one squeue call for all of them, and each job's files on the shared
// file system (job_files.h). A row whose sbatch answer was never recorded
// (ferry killed during sbatch) is found by the marker its job wrote in the
// work dir, else by its job name in squeue; ids found so are written back
// to the journal.
#pragma once

#include <string>
#include <vector>

#include "slurm/command_runner.h"
#include "store/job_journal.h"
#include "util/status.h"

namespace ferry::slurm {

struct SlurmJobLook {
  JournalJob job;
  std::string job_id;            // "" when no job was found (never submitted)
  std::string state;             // squeue's; "" when squeue no longer lists the job
  bool active = false;           // queued or running: it may still write its work dir
  bool ended_with_zero = false;  // it ended by itself and its task exited 0 (job_files.h EndedWithZero)
};

// One look per row, in order. Fails only when squeue cannot be run (or
// answers with an error): without it nothing can be said about the jobs.
Status LookUpSlurmJobs(CommandRunner& runner, JobJournal* journal, const std::vector<JournalJob>& rows,
                       std::vector<SlurmJobLook>* out);

// Waits (polling squeue every poll_ms, up to wait_ms) until none of these
// job ids is listed as queued or running; *left gets those that still are.
Status WaitJobsGone(CommandRunner& runner, const std::vector<std::string>& job_ids, int64_t wait_ms, int64_t poll_ms,
                    std::vector<std::string>* left);

}  // namespace ferry::slurm
