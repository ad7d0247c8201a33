// POST /_emu/images: adds an image to the emulator's container store, the
// way a test or a developer makes an image available to Batch jobs (the
// emulator never pulls). The request names the image (?name=NAME:TAG), says
// what the tarball is (?format=rootfs, the default: a root file system for
// `podman import`; or ?format=archive: a docker/OCI archive for `podman
// load`), may set image config for a rootfs (?change=ENTRYPOINT [...],
// repeatable, as `podman import --change`), and carries the tarball as its
// body or names a file on this host (?path=/abs/file.tar).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace awsemu {

class ContainerEngine;

struct AdminAnswer {
  int status = 200;
  nlohmann::json body;
};

// `engine` null: no engine runs here (`problem` says why) or --host-jobs.
// A body is written under `upload_dir` while it is imported.
AdminAnswer ImportImage(ContainerEngine* engine, const std::string& problem,
                        const std::vector<std::pair<std::string, std::string>>& query, const std::string& body,
                        const std::string& upload_dir);

}  // namespace awsemu
