// What Slurm's commands answer, read: the job id sbatch prints, one squeue
// listing of many jobs' states, sinfo's partitions and nodes, and what a
// finished job's state means for its task (a clear failure for
// OUT_OF_MEMORY, TIMEOUT, CANCELLED..., a retry for NODE_FAIL and
// PREEMPTED). Pure: unit-tested on captured outputs.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "util/status.h"

namespace ferry::slurm {

// The squeue format ferry asks for: job id (array elements as
// <job>_<index>), state, reason.
inline constexpr const char* kSqueueFormat = "%i|%T|%r";

// sbatch --parsable prints "<id>" or "<id>;<cluster>".
Status ParseSbatchJobId(const std::string& out, std::string* job_id);

struct JobState {
  std::string state;   // RUNNING, COMPLETED, OUT_OF_MEMORY, ...
  std::string reason;  // Slurm's reason, "None" when it has none
};
// Lines of `squeue -h -r -t all -o kSqueueFormat`, by job id. An array's
// pending elements may come as one line "<job>_[0-9]" (or "[0-3,5]"): every
// index it names gets the state. Lines that are not three fields are skipped.
std::map<std::string, JobState> ParseSqueue(const std::string& out);

// Whether Slurm is done with a job in this state.
bool IsFinalState(const std::string& state);

// How a finished job ended, for its task.
struct JobEnd {
  enum class Kind {
    kExited,  // the job ran its script: the task's .exitcode says how it went
    kOutOfMemory,
    kTimeout,
    kRetry,   // NODE_FAIL, PREEMPTED, BOOT_FAIL: run it again
    kFailed,  // CANCELLED, DEADLINE, ... : a failure with a message
  } kind = Kind::kExited;
  std::string message;  // for all but kExited
};
// `log` is the tail of the job's output file, where slurmstepd writes why it
// killed a step ("exceeded memory limit (X > Y)"); memory_bytes and
// time_limit_ms are the task's requests, named in the message.
JobEnd ClassifyEnd(const JobState& job, const std::string& log, int64_t memory_bytes, int64_t time_limit_ms);

// One node of a partition, from `sinfo -h -N -o kSinfoFormat`.
inline constexpr const char* kSinfoFormat = "%P|%N|%c|%m|%n";  // %P marks the default with a *, %R does not
struct NodeInfo {
  std::string partition, node, hostname;
  int cpus = 0;
  int64_t memory_bytes = 0;
};
// The default partition is listed with a '*' after its name, which is
// dropped; *default_partition gets its name.
std::vector<NodeInfo> ParseSinfoNodes(const std::string& out, std::string* default_partition);

// Problems with a task's request against the partitions that exist: an
// unknown partition (the ones that exist listed), more cpus or memory than
// any node of the partition has. "" when it fits.
std::string CheckRequestFits(const std::vector<NodeInfo>& nodes, const std::string& default_partition,
                             const std::string& partition, int cpus, int64_t memory_bytes);

// Whether a file system of this statfs f_type is one that cluster nodes
// commonly share (NFS, Lustre, GPFS, BeeGFS, CephFS, CIFS, ...).
bool IsSharedFilesystemType(int64_t f_type);

}  // namespace ferry::slurm
