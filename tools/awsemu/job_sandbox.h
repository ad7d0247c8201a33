// Turns a Batch container (command, environment, volumes and mount points)
// into a local process to run: resolves the executable on the job's PATH,
// and, when the job mounts volumes and bubblewrap works on this host, wraps
// the command in `bwrap` so each host path appears at its container path.
// Without bubblewrap, host paths are used as they are; volumes mounted at
// their own host path never need it. No image is pulled.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "awsemu/job_runner.h"

namespace awsemu {

struct MountSpec {
  std::string host_path;
  std::string container_path;
  bool read_only = false;
};

struct SandboxInput {
  std::vector<std::string> command;
  std::vector<std::pair<std::string, std::string>> env;  // later entries win
  std::vector<MountSpec> mounts;
  std::string workdir;
  std::string bwrap_path;  // "" = do not use bubblewrap
};

// Fills *out, or returns the container's start-up error in Docker's words
// (e.g. the executable is not on PATH).
std::string BuildSpawnSpec(const SandboxInput& in, JobSpawnSpec* out);

// "/usr/bin/bwrap" when bubblewrap is installed and can create a mount
// namespace here (it cannot in some unprivileged containers), else "".
// Probes once and caches the answer; FERRY_AWSEMU_NO_BWRAP=1 makes it "" (to
// test, or to run jobs where bubblewrap misbehaves).
std::string UsableBwrap();

// Finds `name` on the colon-separated `path` (names with '/' are taken as
// they are). Returns "" when there is no executable of that name.
std::string FindExecutable(const std::string& name, const std::string& path);

}  // namespace awsemu
