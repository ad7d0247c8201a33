// JobRunner: runs Batch job attempts as local processes without a thread per
// job. One owner thread starts processes (each in its own session, so the
// whole process tree can be signalled), and calls Poll(), which waits on
// every job's output pipe and pidfd at once, splits output into lines and
// reaps exited processes. When a job's main process exits, the rest of its
// process group is killed, as a container's processes die with it. A job
// run by a container engine is signalled through the engine (its processes
// are not the runner's children).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace awsemu {

struct JobSpawnSpec {
  std::vector<std::string> argv;  // argv[0] is an absolute path
  std::vector<std::string> env;   // "NAME=value"
  std::string workdir;
  // When set, Signal() runs this command (with the same env) instead of
  // kill(2); every "{signal}" in it becomes the signal's number. E.g.
  // podman kill, since a container's processes are not in the job's group.
  std::vector<std::string> signal_command;
};

class JobRunner {
 public:
  struct Line {
    uint64_t id;
    int64_t timestamp_ms;  // wall clock when the line was read
    std::string text;
  };
  struct Exit {
    uint64_t id;
    int exit_code;  // the process's status, or 128+signal as Docker reports it
  };

  JobRunner();
  ~JobRunner();  // kills every process still running
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  // Starts a process; returns "" or why it could not start (e.g. the
  // executable does not exist). Owner thread only.
  std::string Start(uint64_t id, const JobSpawnSpec& spec);
  // Sends `sig` to the process group of job `id` (no-op if gone).
  void Signal(uint64_t id, int sig);
  // Waits up to `timeout_ms` for output, exits or Wake(), and appends what
  // happened. Owner thread only.
  void Poll(int timeout_ms, std::vector<Line>* lines, std::vector<Exit>* exits);
  // Makes a Poll() in progress return early. Any thread.
  void Wake();
  void KillAll();
  size_t running() const { return procs_.size(); }

 private:
  struct Proc {
    int pid = -1;
    int out_fd = -1;
    int pid_fd = -1;  // -1 when pidfd_open is unavailable: polled with waitpid
    std::string partial;
    std::vector<std::string> signal_command;
    std::vector<std::string> env;
  };
  // Starts p's signal command for `sig`; returns its pid or -1.
  static int SpawnSignalCommand(const Proc& p, int sig);
  void ReapHelpers(bool wait);
  void Drain(uint64_t id, Proc& p, std::vector<Line>* lines, bool final);
  void EmitLine(uint64_t id, std::string text, std::vector<Line>* lines);
  // Reaps `p` if it exited; returns true and fills *code when it did.
  bool TryReap(Proc& p, int* code);
  void Close(Proc& p);

  std::map<uint64_t, Proc> procs_;
  std::vector<int> helpers_;  // running signal commands, reaped in Poll
  int wake_fd_ = -1;          // eventfd
};

// Splits `buffer` into complete lines ("\n" ends one, a trailing "\r" is
// dropped), leaving any unterminated rest in `buffer`. Lines longer than
// `max_len` are cut into pieces, as CloudWatch caps an event's size.
std::vector<std::string> TakeLines(std::string* buffer, size_t max_len);

}  // namespace awsemu
