// What AWS Batch on Fargate can run, as pure functions: the vCPU and memory
// pairs Fargate offers (a task's cpus and memory rounded up to the nearest
// one), the ephemeral storage a `disk` directive asks for (21-200 GiB), and
// the refusal, before anything is submitted, of a task Fargate cannot run
// (GPUs, more than 16 vCPUs or 120 GiB, more disk than 200 GiB).
#pragma once

#include <cstdint>
#include <string>

#include "executor/executor.h"
#include "util/status.h"

namespace ferry {

// One vCPU/memory pair Fargate runs.
struct FargateSize {
  int vcpus = 1;
  int64_t memory_mib = 2048;
  bool rounded = false;  // differs from what the task asked for
};

// The smallest pair with at least `cpus` vCPUs and `memory_bytes` of memory
// (0: the pair's least). Invalid when no pair is that large.
Status FargateSizeFor(int cpus, int64_t memory_bytes, FargateSize* out);

// The ephemeral storage of a task: 0 (Fargate's default 20 GiB) when `disk`
// is unset or fits in 20 GiB, else its size in GiB rounded up, at least 21.
// Invalid past 200 GiB.
Status FargateStorageGib(int64_t disk_bytes, int* gib);

// Ok when Fargate can run `run`; else Invalid naming the task (its process)
// and what to change.
Status CheckFargateTask(const TaskRun& run);

// "task 'align' asks for 3 cpus and 5 GB; Fargate runs it with 4 vCPUs and
// 8192 MiB", said once per process.
std::string FargateRoundingNote(const TaskRun& run, const FargateSize& size);

}  // namespace ferry
