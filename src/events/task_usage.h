// TaskUsage: what one attempt of a task used, measured where it ran. Defined
// in the events leaf so that executors (which measure it), the engine (which
// passes it on in TaskEvent) and the store (which keeps it) share one type.
#pragma once

#include <cstdint>
#include <string>

namespace ferry {

// Measured where the task ran (the local executor from the kernel, the Batch
// job wrapper inside the job). Each field is -1 when it was not measured (a
// cached task, an executor or kernel that cannot tell); a report shows such
// a value as unknown, never as zero.
struct TaskUsage {
  int64_t realtime_ms = -1;                   // wall time of the task's script
  int64_t cpu_user_ms = -1, cpu_sys_ms = -1;  // CPU time of all its processes
  int64_t peak_rss = -1, peak_vmem = -1;      // bytes
  int64_t rchar = -1, wchar = -1;             // bytes through read/write calls
  int64_t read_bytes = -1, write_bytes = -1;  // bytes to and from storage
  int64_t syscr = -1, syscw = -1;             // read and write calls
  int64_t peak_threads = -1, peak_procs = -1;
  int64_t queue_ms = -1;      // Batch: RUNNABLE to RUNNING
  std::string instance_type;  // Batch: the host's instance type, "" unknown
};

// %cpu as the trace shows it: CPU time over wall time, 100 per busy core;
// -1 when either is unknown. A task that took under a millisecond of wall
// time still used its CPU, so the wall time counts as at least 1 ms.
inline double CpuPercent(const TaskUsage& u) {
  if (u.cpu_user_ms < 0 || u.cpu_sys_ms < 0 || u.realtime_ms < 0) return -1;
  return 100.0 * static_cast<double>(u.cpu_user_ms + u.cpu_sys_ms) /
         static_cast<double>(u.realtime_ms > 0 ? u.realtime_ms : 1);
}

}  // namespace ferry
