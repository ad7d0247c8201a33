// ProcessIdentity: a process named so that a recycled pid cannot pass for it:
// its pid plus its start time (field 22 of /proc/PID/stat, clock ticks since
// boot), which a new process given the same pid cannot share. Used to decide,
// after a crash, whether a recorded ferry or task process is still the one
// recorded (kill it, or wait for it) or long gone (never signal that pid).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string_view>

namespace ferry {

struct ProcessIdentity {
  pid_t pid = 0;
  uint64_t start_time = 0;  // 0 = unknown
};

// The start time in the text of a /proc/PID/stat file, or false when it is
// not one (the command name, field 2, may hold spaces and parentheses: the
// fields are counted from its last ')'). *zombie says whether the process has
// ended and waits only to be reaped (state Z or X), which counts as gone.
bool ParseProcStat(std::string_view stat, uint64_t* start_time, bool* zombie);

// Reads /proc/PID/stat; false when there is no such (living) process.
bool ReadProcessIdentity(pid_t pid, ProcessIdentity* out);

// This process.
ProcessIdentity SelfIdentity();

// Whether the process `id` names still runs: the pid exists, is not a
// zombie, and started when recorded. A record without a start time never
// matches (it cannot be told apart from a recycled pid).
bool StillRunning(const ProcessIdentity& id);

}  // namespace ferry
