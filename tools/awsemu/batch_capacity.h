// How much a compute environment can ever give a job, and what a job asks
// for. AWS has no memory field on a compute environment: it follows from the
// instance types. We derive it as maxvCpus times the memory per vCPU of the
// most memory-rich instance family listed ("optimal" is a mix of c, m and r,
// so 8 GiB per vCPU; c=2, m=4, r=8, x=16 GiB per vCPU; Fargate 8), unless the
// compute environment carries the tag "awsemu:memoryMiB" (exact capacity in
// MiB; "awsemu:gpus" likewise for GPUs, which otherwise only g and p
// families have: one per 4 vCPUs). The emulator host is a second limit, on
// how many jobs run at once (see BatchEngine), not on what is accepted.
// Pure logic.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace awsemu {

struct Resources {
  double vcpus = 0;
  int64_t memory_mib = 0;
  int gpus = 0;

  bool FitsIn(const Resources& cap) const {
    return vcpus <= cap.vcpus + 1e-9 && memory_mib <= cap.memory_mib && gpus <= cap.gpus;
  }
};

// The total capacity of a compute environment.
Resources ComputeEnvCapacity(double max_vcpus, const std::string& resource_type,
                             const std::vector<std::string>& instance_types,
                             const std::map<std::string, std::string>& tags);

// GiB of memory per vCPU of an instance type or family ("r5.large", "m6i",
// "optimal").
double MemoryGibPerVcpu(const std::string& instance_type);

}  // namespace awsemu
