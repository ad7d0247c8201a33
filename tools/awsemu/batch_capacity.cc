#include "awsemu/batch_capacity.h"

#include <algorithm>
#include <cstdlib>

namespace awsemu {

double MemoryGibPerVcpu(const std::string& instance_type) {
  if (instance_type.empty() || instance_type == "optimal") return 8;
  // Families that share a first letter but differ: x (x1, x2) are 16 GiB
  // per vCPU; u (high memory) more still.
  switch (instance_type[0]) {
    case 'c': return 2;
    case 'm': return 4;
    case 't': return 4;
    case 'a': return 2;
    case 'r': return 8;
    case 'z': return 8;
    case 'i': return 8;
    case 'd': return 8;
    case 'h': return 4;
    case 'p': return 8;
    case 'g': return 4;
    case 'x': return 16;
    case 'u': return 28;
    default: return 4;
  }
}

Resources ComputeEnvCapacity(double max_vcpus, const std::string& resource_type,
                             const std::vector<std::string>& instance_types,
                             const std::map<std::string, std::string>& tags) {
  Resources cap;
  cap.vcpus = max_vcpus;
  double gib_per_vcpu = 0;
  bool gpu_family = false;
  if (resource_type == "FARGATE" || resource_type == "FARGATE_SPOT") {
    gib_per_vcpu = 8;
  } else if (instance_types.empty()) {
    gib_per_vcpu = 8;
  } else {
    for (const std::string& t : instance_types) {
      gib_per_vcpu = std::max(gib_per_vcpu, MemoryGibPerVcpu(t));
      if (!t.empty() && (t[0] == 'g' || t[0] == 'p')) gpu_family = true;
    }
  }
  cap.memory_mib = static_cast<int64_t>(max_vcpus * gib_per_vcpu * 1024);
  cap.gpus = gpu_family ? static_cast<int>(max_vcpus / 4) : 0;
  if (auto it = tags.find("awsemu:memoryMiB"); it != tags.end()) cap.memory_mib = std::atoll(it->second.c_str());
  if (auto it = tags.find("awsemu:gpus"); it != tags.end()) cap.gpus = std::atoi(it->second.c_str());
  return cap;
}

}  // namespace awsemu
