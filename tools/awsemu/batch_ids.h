// Identifiers the Batch and Logs emulation hands out: ARNs (in the emulated
// account of auth.h), job ids (UUIDs) and ECS task ids, in the shapes AWS uses.
#pragma once

#include <string>

#include "awsemu/auth.h"  // kAccountId: the one emulated account

namespace awsemu {

// "arn:aws:batch:REGION:ACCOUNT:KIND/NAME", e.g. kind "job-queue".
std::string BatchArn(const std::string& region, const std::string& kind, const std::string& name);

// A random version-4 UUID, lower case ("1f0e...-....").
std::string NewUuid();
// 32 random hex digits, as an ECS task id.
std::string NewTaskId();
// "i-" and 17 random hex digits, as an EC2 instance id.
std::string NewInstanceId();

}  // namespace awsemu
