// ferry-awsemu entry point: parses the start-up contract
//   ferry-awsemu --port N --data-dir D --access-key K --secret-key S
//                [--region R] [--imds-port M] [--fault NAME[.SERVICE]=VALUE ...]
//                [--host-jobs] [--image NAME:TAG=ROOTFS.tar ...] [--image-archive FILE ...]
//                [--image-store DIR]
//                [--min-role-duration SECONDS]
// starts the server and prints "ready port=N imds_port=M" on stdout once both
// ports listen, then serves until SIGINT/SIGTERM.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>

#include "awsemu/server.h"

int main(int argc, char** argv) {
  CLI::App app{"ferry-awsemu: a local AWS (S3, Batch, CloudWatch Logs, STS, IMDS) on 127.0.0.1"};
  awsemu::ServerOptions o;
  std::vector<std::string> faults;
  app.add_option("--port", o.port, "main port for S3, Batch, Logs, STS (0: pick a free one)")->required();
  app.add_option("--data-dir", o.data_dir, "directory for S3 objects and job scratch space")->required();
  app.add_option("--access-key", o.access_key, "access key id clients sign with")->required();
  app.add_option("--secret-key", o.secret_key, "secret key clients sign with")->required();
  app.add_option("--region", o.region, "region reported by IMDS and expected in signatures")->capture_default_str();
  app.add_option("--imds-port", o.imds_port, "port for IMDSv2 and the ECS credentials endpoint (0: pick a free one)");
  app.add_option("--role-name", o.role_name, "instance/task role name IMDS and ECS report")->capture_default_str();
  app.add_option("--ecs-auth-token", o.ecs_auth_token,
                 "Authorization value the ECS credentials endpoint requires (default: none)");
  app.add_option("--fault", faults,
                 "fault setting NAME[.SERVICE]=VALUE, repeatable: throttle, error_500, error_503, "
                 "connection_reset (probabilities, optionally per service s3/sts/batch/logs), "
                 "latency_ms, host_termination (per second a job runs), host_termination_per_attempt, "
                 "hold_runnable, seed");
  app.add_option("--min-role-duration", o.min_role_duration,
                 "shortest DurationSeconds STS AssumeRole* accepts (AWS: 900); lower it to test expiry")
      ->check(CLI::Range(1L, 43200L))
      ->capture_default_str();
  std::vector<std::string> images, archives;
  app.add_flag("--host-jobs", o.host_jobs,
               "run Batch jobs as host processes (their image is ignored) instead of in containers with podman");
  app.add_option("--image", images,
                 "NAME[:TAG]=FILE: import a root file system tarball as an image jobs can use, repeatable");
  app.add_option("--image-archive", archives, "FILE: load a docker/OCI image archive jobs can use, repeatable");
  app.add_option("--image-store", o.image_store,
                 "DIR: keep the container image store there, not under --data-dir, so emulators share it: a "
                 "rootfs tarball already imported from the same file is not imported again");
  CLI11_PARSE(app, argc, argv);

  for (const auto& spec : images) {
    size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
      std::cerr << "ferry-awsemu: --image " << spec
                << ": expected NAME[:TAG]=FILE, e.g. busybox:test=/tmp/rootfs.tar\n";
      return 2;
    }
    awsemu::ImageImport in;
    in.name = spec.substr(0, eq);
    in.file = spec.substr(eq + 1);
    o.images.push_back(in);
  }
  for (const auto& file : archives) {
    awsemu::ImageImport in;
    in.file = file;
    in.archive = true;
    o.images.push_back(in);
  }

  for (const auto& f : faults) {
    ferry::Status st = o.faults.ApplyFlag(f);
    if (!st.ok()) {
      std::cerr << "ferry-awsemu: " << st.message() << "\n";
      return 2;
    }
  }
  std::error_code ec;
  std::filesystem::create_directories(o.data_dir, ec);
  if (ec) {
    std::cerr << "ferry-awsemu: cannot create --data-dir " << o.data_dir << ": " << ec.message() << "\n";
    return 2;
  }

  // Signals are taken by sigwait below; block them before any thread starts
  // so that no worker thread receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  awsemu::Server server(o);
  ferry::Status st = server.Start();
  if (!st.ok()) {
    std::cerr << "ferry-awsemu: " << st.message() << "\n";
    return st.exit_code();
  }
  std::printf("ready port=%d imds_port=%d\n", server.port(), server.imds_port());
  std::fflush(stdout);

  int sig = 0;
  sigwait(&stop_signals, &sig);
  // Stop running jobs, then leave at once: waiting for httplib to join
  // workers idling on kept-alive client connections would take up to the
  // keep-alive timeout, and everything is on disk already.
  server.Shutdown();
  std::fflush(nullptr);
  _exit(0);
}
