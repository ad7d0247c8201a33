// ContainerEngine: the container engine (Debian's podman) that runs
// ferry-awsemu's Batch jobs in their images, as the ECS agent runs them
// with Docker. It keeps a private image store under the data directory, or
// in the --image-store dir that emulators share (--root; the runtime state,
// --runroot, in a short /tmp path named after it, so every podman using the
// store agrees on it), and its own containers.conf (runc, cgroupfs, no
// default ulimits), so the machine's store and settings are never touched.
// Images come only from that store: imported from a rootfs tarball
// (`podman import`) or loaded from an archive (`podman load`); nothing is
// pulled.
#pragma once

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "awsemu/container_run.h"
#include "awsemu/job_runner.h"
#include "util/status.h"

namespace awsemu {

struct ImageImport {
  std::string file;                  // a tarball on this host
  std::string name;                  // NAME[:TAG]; for an archive, optional (the archive's own names)
  bool archive = false;              // a docker/OCI archive (podman load), not a rootfs tarball
  std::vector<std::string> changes;  // Dockerfile instructions for a rootfs, e.g. ENTRYPOINT ["/bin/true"]
};

class ContainerEngine {
 public:
  // Sets up the engine's files under `data_dir`/containers, the store there
  // or in `image_store` when set, and starts one throwaway container to
  // prove containers can run here. Null and *why_not when they cannot
  // (podman missing, the runtime failing on this host).
  static std::unique_ptr<ContainerEngine> Open(const std::string& data_dir, const std::string& image_store,
                                               std::string* why_not);

  // Whether the store holds `image` (what was found once is remembered).
  // Thread-safe; runs podman the first time an image is asked for.
  bool HasImage(const std::string& image);
  // Adds an image to the store. Thread-safe. A rootfs tarball is labelled
  // with where it came from (path, size, mtime, changes); when the image by
  // that name already carries the same label, nothing is imported: a
  // shared store keeps what an earlier emulator imported.
  ferry::Status Import(const ImageImport& in);

  // The process that runs one attempt: writes the environment file
  // (mode 0600) into `scratch_dir` and fills *out with the `podman run`
  // command and the command that signals the container. Returns "" or why
  // the container cannot start.
  std::string PrepareRun(ContainerRunInput in, const std::vector<std::pair<std::string, std::string>>& env,
                         const std::string& scratch_dir, JobSpawnSpec* out) const;

 private:
  ContainerEngine() = default;
  // podman with the store and config options, then `args`.
  std::vector<std::string> Command(const std::vector<std::string>& args) const;
  // podman's own environment.
  std::vector<std::string> Environment() const;
  // Runs podman with `args`; returns its exit code and fills *output with
  // what it wrote (stdout and stderr).
  int Run(const std::vector<std::string>& args, std::string* output) const;

  std::string podman_;
  std::string root_, runroot_, conf_, probe_dir_;
  std::mutex mu_;
  std::set<std::string> images_;  // seen in the store
};

}  // namespace awsemu
