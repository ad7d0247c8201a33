// ContainerSettings: which container engine (docker or podman) runs the local
// tasks that name a `container` image, and how, as ferry.config's docker.* /
// podman.* scopes say. Read once per run; the wrapper generator
// (engine/container_command.h) turns it into the engine's command lines.
// Pure: reads the resolved Config only, no I/O.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "util/status.h"

namespace ferry {

struct ContainerSettings {
  std::string engine;          // "docker" or "podman"; empty: local tasks run on the host
  std::string engine_options;  // shell words after the engine's name (podman --root DIR ...)
  std::string run_options;     // shell words after `run`
  std::string registry;        // prefixed to image names that name no registry
  std::string temp;            // "": the image's /tmp; "auto": a fresh host dir per task; else a host dir
  std::string mount_flags;     // appended to every volume (e.g. "z", "Z")
  bool remove = true;          // run with --rm
  // Variables passed into the container by name (-e NAME): the config's env
  // scope and <engine>.envWhitelist. Values are never written to a script.
  std::vector<std::string> env_names;

  bool enabled() const { return !engine.empty(); }
};

// docker.* or podman.* from the config. Both enabled is an error naming the
// two settings where they were set (exit 2). `env_names` are the config
// env scope's names, passed into every container.
Status ContainerSettingsFromConfig(const Config& config, const std::vector<std::string>& env_names,
                                   ContainerSettings* out);

}  // namespace ferry
