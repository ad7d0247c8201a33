// What a Slurm job leaves in its task's work dir on the shared file system,
// read back: the marker the job script writes when the job starts
// (sbatch_request.h kJobMarker: the job's id and name), the .exitcode the
// task's wrapper writes when it ends, and the job script's end marker
// (kJobEnd) written once the wrapper returned. Reading them is a stat and a read
// on the shared file system, which asks nothing of slurmctld; the executor
// and -resume's adoption learn from them what they would otherwise ask
// squeue.
#pragma once

#include <cstdint>
#include <string>

namespace ferry::slurm {

// The task's exit status from <work_dir>/.exitcode; false while the file is
// missing, empty or not a number (not yet written, or written half).
bool ReadExitCode(const std::string& work_dir, int* code);

// Whether the job ended by itself and the task exited 0: the job script's
// end marker and the wrapper's .exitcode both say 0. A task killed with its
// job (time limit, scancel, memory) has no end marker, whatever .exitcode
// its shell's EXIT trap wrote.
bool EndedWithZero(const std::string& work_dir);

// Whether the job left any sign of its end (.exitcode or the end marker).
bool LeftAnEnd(const std::string& work_dir);

struct JobMarker {
  std::string job_id;      // "123", or "123_4" for an array element
  std::string job_name;    // "" when Slurm gave none
  int64_t written_ms = 0;  // when the job started (the file's mtime)
};
// The job's marker in work_dir; false when there is none (the job has not
// started) or it cannot be read.
bool ReadJobMarker(const std::string& work_dir, JobMarker* out);

// Removes all three, before a job is submitted, so that a file of an earlier
// attempt never passes for the new job's.
void RemoveJobFiles(const std::string& work_dir);

}  // namespace ferry::slurm
