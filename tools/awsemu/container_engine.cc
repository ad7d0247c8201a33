#include "awsemu/container_engine.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>

#include "awsemu/job_sandbox.h"
#include "util/text.h"

namespace awsemu {
namespace {

namespace fs = std::filesystem;

// runc: crun fails on hosts with the hybrid cgroup layout. cgroupfs: there
// may be no systemd. No default ulimits: a job gets the ones it asks for
// on top of the emulator's own. Events go to a file, not the journal.
const char* kContainersConf =
    "[containers]\n"
    "default_ulimits = []\n"
    "[engine]\n"
    "runtime = \"runc\"\n"
    "cgroup_manager = \"cgroupfs\"\n"
    "events_logger = \"file\"\n";

// What podman itself runs with: a fixed PATH (it looks for conmon and the
// runtime there), nothing of the emulator's environment.
const char* kEnginePath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// Directories of the host that the start-up probe's root file system takes
// from the host: as the same symlink where the host has one (merged /usr),
// else bound read-only.
const char* kProbeDirs[] = {"bin", "sbin", "lib", "lib32", "lib64", "libx32"};

// The label naming the tarball an image was imported from.
const char* kSourceLabel = "ferry-awsemu.source";

// What identifies an import of a rootfs tarball: the file (path, size,
// mtime) and the image settings given with it, as one label value (no
// spaces or quotes, so `LABEL k=v` keeps it whole).
std::string ImportSource(const ImageImport& in) {
  struct stat st {};
  if (stat(in.file.c_str(), &st) != 0) return "";
  std::string changes;
  for (const std::string& c : in.changes) changes += c + "\n";
  char text[160];
  std::snprintf(text, sizeof text, "%lld.%09ld:%lld:%016zx", static_cast<long long>(st.st_mtim.tv_sec),
                st.st_mtim.tv_nsec, static_cast<long long>(st.st_size),
                std::hash<std::string>()(fs::absolute(in.file).string() + "\n" + changes));
  return text;
}

// The last non-empty line podman wrote, for error messages.
std::string LastLine(const std::string& output) {
  std::vector<std::string> lines = ferry::Split(output, '\n');
  for (auto it = lines.rbegin(); it != lines.rend(); ++it)
    if (!it->empty()) return *it;
  return "(no output)";
}

bool WriteFile(const std::string& path, const std::string& text, mode_t mode) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return false;
  bool ok = fchmod(fd, mode) == 0;
  for (size_t done = 0; ok && done < text.size();) {
    ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  return close(fd) == 0 && ok;
}

}  // namespace

std::vector<std::string> ContainerEngine::Command(const std::vector<std::string>& args) const {
  std::vector<std::string> cmd = {podman_, "--root", root_, "--runroot", runroot_};
  cmd.insert(cmd.end(), args.begin(), args.end());
  return cmd;
}

std::vector<std::string> ContainerEngine::Environment() const {
  return {"PATH=" + std::string(kEnginePath), "CONTAINERS_CONF=" + conf_, "HOME=" + root_};
}

int ContainerEngine::Run(const std::vector<std::string>& args, std::string* output) const {
  output->clear();
  std::vector<std::string> cmd = Command(args);
  std::vector<std::string> env = Environment();
  std::vector<char*> argv, envp;
  for (auto& a : cmd) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    *output = std::string("pipe: ") + std::strerror(errno);
    return -1;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    *output = podman_ + ": " + std::strerror(rc);
    return -1;
  }
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) != 0;) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    // Enough to explain a failure; the rest is dropped.
    if (output->size() < 65536) output->append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::unique_ptr<ContainerEngine> ContainerEngine::Open(const std::string& data_dir, const std::string& image_store,
                                                       std::string* why_not) {
  std::unique_ptr<ContainerEngine> e(new ContainerEngine());
  const char* override_path = std::getenv("FERRY_AWSEMU_PODMAN");
  e->podman_ = FindExecutable(override_path && *override_path ? override_path : "podman", kEnginePath);
  if (e->podman_.empty()) {
    *why_not = "podman is not installed (apt-get install podman runc)";
    return nullptr;
  }
  fs::path base = fs::absolute(fs::path(data_dir) / "containers");
  e->root_ = image_store.empty() ? (base / "storage").string() : fs::absolute(image_store).string();
  // podman refuses a runroot longer than 50 characters, which a data
  // directory under a test's temporary directory easily is: the runtime
  // state goes to a short path named after the store (podman refuses a
  // store whose database names another runroot).
  char tag[17];
  std::snprintf(tag, sizeof tag, "%016zx", std::hash<std::string>()(e->root_));
  e->runroot_ = std::string("/tmp/ferry-awsemu-") + tag;
  e->conf_ = (base / "containers.conf").string();
  e->probe_dir_ = (base / "probe-root").string();
  std::error_code ec;
  fs::create_directories(e->root_, ec);
  fs::create_directories(e->runroot_, ec);
  fs::create_directories(fs::path(e->probe_dir_) / "usr", ec);
  // How to look at the store by hand: podman $(cat DATA/containers/podman-args) ps -a
  const std::string podman_args = "--root " + e->root_ + " --runroot " + e->runroot_ + "\n";
  if (ec || !WriteFile(e->conf_, kContainersConf, 0644) ||
      !WriteFile((base / "podman-args").string(), podman_args, 0644)) {
    *why_not = "cannot write " + e->conf_;
    return nullptr;
  }
  // The probe: /usr/bin/true in a root made of the host's /usr, which needs
  // no image in the store and shows that the runtime can start containers.
  std::vector<std::string> args = {"run",          "--rm",        "--network", "host",
                                   "--log-driver", "passthrough", "--volume",  "/usr:/usr:ro"};
  for (const char* d : kProbeDirs) {
    fs::path host = fs::path("/") / d, inside = fs::path(e->probe_dir_) / d;
    if (fs::is_symlink(host, ec)) {
      if (!fs::is_symlink(inside, ec)) fs::create_symlink(fs::read_symlink(host, ec), inside, ec);
    } else if (fs::is_directory(host, ec)) {
      fs::create_directories(inside, ec);
      args.insert(args.end(), {"--volume", host.string() + ":" + host.string() + ":ro"});
    }
  }
  args.insert(args.end(), {"--rootfs", e->probe_dir_, "/usr/bin/true"});
  std::string output;
  int code = e->Run(args, &output);
  if (code != 0) {
    *why_not =
        "a test container does not start (podman run exited with " + std::to_string(code) + "): " + LastLine(output);
    return nullptr;
  }
  return e;
}

bool ContainerEngine::HasImage(const std::string& image) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (images_.count(image)) return true;
  }
  std::string output;
  if (Run({"image", "exists", image}, &output) != 0) return false;
  std::lock_guard<std::mutex> lock(mu_);
  images_.insert(image);
  return true;
}

ferry::Status ContainerEngine::Import(const ImageImport& in) {
  std::error_code ec;
  if (!fs::is_regular_file(in.file, ec)) return ferry::Status::Invalid("image file " + in.file + " does not exist");
  std::vector<std::string> args;
  if (in.archive) {
    args = {"load", "--input", in.file};
  } else {
    if (in.name.empty()) return ferry::Status::Invalid("a rootfs tarball needs a name (NAME[:TAG]) for its image");
    std::string source = ImportSource(in);
    std::string output;
    if (Run({"image", "inspect", "--format", "{{index .Labels \"" + std::string(kSourceLabel) + "\"}}", in.name},
            &output) == 0 &&
        ferry::Trim(output) == source)
      return ferry::Status::Ok();
    args = {"import", "--change", "LABEL " + std::string(kSourceLabel) + "=" + source};
    for (const std::string& c : in.changes) args.insert(args.end(), {"--change", c});
    args.insert(args.end(), {in.file, in.name});
  }
  std::string output;
  if (Run(args, &output) != 0) return ferry::Status::Invalid("cannot import " + in.file + ": " + LastLine(output));
  if (in.archive && !in.name.empty()) {
    // `podman load` names the image after the archive; the wanted name is
    // added as a tag of the image it printed ("Loaded image: NAME").
    std::string loaded = LastLine(output);
    size_t colon = loaded.find(": ");
    if (colon == std::string::npos) return ferry::Status::Invalid("podman load did not say what it loaded: " + loaded);
    if (Run({"tag", loaded.substr(colon + 2), in.name}, &output) != 0)
      return ferry::Status::Invalid("cannot tag " + loaded.substr(colon + 2) + " as " + in.name + ": " +
                                    LastLine(output));
  }
  return ferry::Status::Ok();
}

std::string ContainerEngine::PrepareRun(ContainerRunInput in,
                                        const std::vector<std::pair<std::string, std::string>>& env,
                                        const std::string& scratch_dir, JobSpawnSpec* out) const {
  std::string text;
  std::vector<std::pair<std::string, std::string>> inherited;
  SplitEnvironment(env, &text, &inherited);
  in.env_file = scratch_dir + "/.container-env";
  if (!WriteFile(in.env_file, text, 0600))
    return "CannotStartContainerError: cannot write " + in.env_file + ": " + std::strerror(errno);
  out->env = Environment();
  in.env_inherited.clear();
  for (const auto& [k, v] : inherited) {
    in.env_inherited.push_back(k);
    out->env.push_back(k + "=" + v);
  }
  out->argv = Command(PodmanRunArgs(in));
  out->workdir = scratch_dir;
  out->signal_command = Command({"kill", "--signal", "{signal}", in.name});
  return "";
}

}  // namespace awsemu
