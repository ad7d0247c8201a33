#include "awsbatch/fargate.h"

#include "util/units.h"

namespace ferry {

namespace {

// Fargate's pairs per vCPU count: memory from `min` to `max` in `step`
// MiB (AWS Batch's ResourceRequirement documentation). The fractional
// vCPUs (0.25, 0.5) are left out: ferry's cpus are whole.
struct Row {
  int vcpus;
  int64_t min, max, step;
};
constexpr Row kRows[] = {
    {1, 2048, 8192, 1024},   {2, 4096, 16384, 1024},    {4, 8192, 30720, 1024},
    {8, 16384, 61440, 4096}, {16, 32768, 122880, 8192},
};

std::string TaskOf(const TaskRun& run) { return "task '" + (run.process.empty() ? run.name : run.process) + "'"; }

int64_t MibUp(int64_t bytes) { return (bytes + (1 << 20) - 1) >> 20; }

}  // namespace

Status FargateSizeFor(int cpus, int64_t memory_bytes, FargateSize* out) {
  int64_t want = memory_bytes > 0 ? MibUp(memory_bytes) : 0;
  for (const Row& r : kRows) {
    if (r.vcpus < cpus || r.max < want) continue;
    int64_t mib = r.min;
    while (mib < want) mib += r.step;
    out->vcpus = r.vcpus;
    out->memory_mib = mib;
    out->rounded = r.vcpus != cpus || (want > 0 && mib != want);
    return Status::Ok();
  }
  return Status::Invalid("Fargate runs at most 16 vCPUs and 120 GiB of memory (and 8 vCPUs with at most 60 GiB)");
}

Status FargateStorageGib(int64_t disk_bytes, int* gib) {
  constexpr int64_t kGib = int64_t{1} << 30;
  int64_t g = (disk_bytes + kGib - 1) / kGib;
  if (disk_bytes <= 20 * kGib) {
    *gib = 0;
    return Status::Ok();
  }
  if (g > 200)
    return Status::Invalid("Fargate gives a job at most 200 GiB of ephemeral storage, and disk asks for " +
                           FormatMemory(disk_bytes));
  *gib = static_cast<int>(g);
  return Status::Ok();
}

Status CheckFargateTask(const TaskRun& run) {
  const std::string fix = " (aws.batch.platformType = 'fargate'): ";
  if (run.accelerators > 0)
    return Status::Invalid(TaskOf(run) + " asks for " + std::to_string(run.accelerators) +
                           " GPU(s) (accelerator), which Fargate cannot give" + fix +
                           "remove its accelerator, or run it with aws.batch.platformType = 'ec2' on a queue whose "
                           "compute environment has GPU instances");
  FargateSize size;
  if (Status s = FargateSizeFor(run.cpus, run.memory_bytes, &size); !s.ok())
    return Status::Invalid(TaskOf(run) + " asks for " + std::to_string(run.cpus) + " cpus" +
                           (run.memory_bytes > 0 ? " and " + FormatMemory(run.memory_bytes) : "") + ", but " +
                           s.message() + fix + "lower cpus or memory, or run it on an EC2 queue");
  int gib = 0;
  if (Status s = FargateStorageGib(run.disk_bytes, &gib); !s.ok())
    return Status::Invalid(TaskOf(run) + ": " + s.message() + fix + "lower disk to 200 GB or run it on an EC2 queue");
  return Status::Ok();
}

std::string FargateRoundingNote(const TaskRun& run, const FargateSize& size) {
  std::string asked = std::to_string(run.cpus) + (run.cpus == 1 ? " cpu" : " cpus");
  if (run.memory_bytes > 0) asked += " and " + FormatMemory(run.memory_bytes);
  return "note: " + TaskOf(run) + " asks for " + asked + "; Fargate runs it with " + std::to_string(size.vcpus) +
         " vCPU" + (size.vcpus == 1 ? "" : "s") + " and " + std::to_string(size.memory_mib) +
         " MiB, the nearest size it offers (and bills)";
}

}  // namespace ferry
