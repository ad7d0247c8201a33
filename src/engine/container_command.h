// ContainerCommand: the one owner of the container engine's command lines
// (docker or podman: both take the same words) for a local task that runs
// in its `container` image. It writes the part of .command.run that runs
// the task: the wrapper itself stays a bash script on this machine (timing,
// .exitcode and the captured output work as for every local task) and only
// .command.sh runs in the container, under bash when the image has it, else
// under its POSIX sh (busybox, alpine images). What the container sees: the
// work dir read-write and each staged input's real path read-only, both at
// the paths they have here, the work dir as its working dir, and the task's
// variables by name. Stopping (time limit, Ctrl-C, a failed run) kills the
// container by name, not only the engine's CLI process, which would leave
// the container running. Pure text; docs/containers.md explains it to users.
#pragma once

#include <string>
#include <vector>

#include "engine/container_settings.h"
#include "util/status.h"

namespace ferry {

// One bind mount: host path `host` seen at `container` inside.
struct ContainerMount {
  std::string host, container;
  bool read_only = true;
};

// What one task's container run needs besides the settings.
struct ContainerTask {
  std::string image;     // the task's `container` directive
  std::string work_dir;  // absolute; mounted read-write at the same path
  std::string hash;      // the task's identity hash: names its containers
  std::vector<ContainerMount> inputs;
  // The pipeline's bin/ (absolute; "" for none): mounted read-only at the
  // same path and put first on PATH inside.
  std::string bin_dir;
};

// The image the engine is asked for: `registry/image` when a registry is
// set and the image names none (its first part has no '.' or ':' and is not
// localhost), else the image as given (the name Batch gets, too).
std::string QualifiedImage(const ContainerSettings& s, const std::string& image);

// Bash lines for .command.run, run after it has cd'ed into the work dir and
// pointed its output at .command.out/.command.err: they check the engine is
// on PATH, run the container and end the wrapper with the container's exit
// status (143 once stopped by a signal). Invalid when a path cannot be
// mounted (the engine's -v syntax cannot carry a ':').
Status ContainerRunLines(const ContainerSettings& s, const ContainerTask& t, std::string* out);

}  // namespace ferry
