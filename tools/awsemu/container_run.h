// How a Batch job attempt becomes a `podman run` command line, as the ECS
// agent turns a job's container properties into a Docker container: the
// image (never pulled), the command (replacing the image's CMD; its
// ENTRYPOINT still applies), mount points, user, privileged, ulimits,
// read-only root and linuxParameters (devices, init process, shared memory,
// tmpfs). The environment reaches podman through a file, so no value shows
// on a command line. Pure logic: ContainerEngine runs what this builds.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "awsemu/job_sandbox.h"

namespace awsemu {

struct ContainerOptions {
  std::string image;
  std::string user;
  bool privileged = false;
  bool read_only_root = false;
  bool init = false;    // linuxParameters.initProcessEnabled
  int64_t shm_mib = 0;  // linuxParameters.sharedMemorySize, 0 = podman's default
  struct Ulimit {
    std::string name;
    int64_t soft = 0, hard = 0;
  };
  std::vector<Ulimit> ulimits;
  struct Device {
    std::string host_path, container_path, permissions;  // permissions: "rwm" letters
  };
  std::vector<Device> devices;
  struct Tmpfs {
    std::string container_path;
    int64_t size_mib = 0;
    std::vector<std::string> mount_options;
  };
  std::vector<Tmpfs> tmpfs;
  // Settings the emulator cannot apply (e.g. maxSwap): an attempt of a job
  // that asks for one fails to start, naming it, rather than running
  // without it.
  std::vector<std::string> unsupported;
};

// Reads the container options out of containerProperties. Malformed
// values throw EmuError (a ClientException naming the field).
ContainerOptions ParseContainerOptions(const nlohmann::json& container_properties);

struct ContainerRunInput {
  std::string name;  // container name (unique per attempt)
  ContainerOptions options;
  std::vector<std::string> command;  // empty: the image's CMD
  std::vector<MountSpec> mounts;
  std::string env_file;                    // path of the file EnvFileText() filled
  std::vector<std::string> env_inherited;  // names podman takes from its own environment
};

// The arguments after `podman <global options>`: "run", options, image,
// command.
std::vector<std::string> PodmanRunArgs(const ContainerRunInput& in);

// When `podman run` exits with 126 or 127 and its last output line is
// podman's own error ("Error: runc: ... OCI ..."), the container never
// started (e.g. the image has no such command or entrypoint): the
// container.reason Docker gives for that, "CannotStartContainerError: Error
// response from daemon: ...". "" when the exit is the container's own.
std::string StartFailureReason(int exit_code, const std::string& last_line);

// Splits a job's environment (later entries win) into the text of an env
// file ("NAME=value" lines) and the variables a line cannot hold (values
// with a newline), which podman must pass from its own environment.
void SplitEnvironment(const std::vector<std::pair<std::string, std::string>>& env, std::string* file_text,
                      std::vector<std::pair<std::string, std::string>>* inherited);

}  // namespace awsemu
