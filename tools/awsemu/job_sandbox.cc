#include "awsemu/job_sandbox.h"

#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <mutex>

#include "util/text.h"

namespace awsemu {

namespace {

// "/usr/" and "/usr" name the same directory.
std::string NormalPath(std::string p) {
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}

}  // namespace

std::string FindExecutable(const std::string& name, const std::string& path) {
  auto executable = [](const std::string& p) {
    struct stat st;
    return stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(p.c_str(), X_OK) == 0;
  };
  if (name.find('/') != std::string::npos) return executable(name) ? name : "";
  for (const std::string& dir : ferry::Split(path, ':')) {
    std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
    if (executable(candidate)) return candidate;
  }
  return "";
}

std::string UsableBwrap() {
  static std::once_flag once;
  static std::string result;
  std::call_once(once, [] {
    const char* off = std::getenv("FERRY_AWSEMU_NO_BWRAP");
    if (off && *off && std::string(off) != "0") return;
    const char* kPath = "/usr/bin/bwrap";
    if (access(kPath, X_OK) != 0) return;
    const char* argv[] = {kPath, "--dev-bind", "/", "/", "--", "/bin/true", nullptr};
    const char* envp[] = {nullptr};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", 01, 0);  // O_WRONLY
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", 01, 0);
    pid_t pid;
    int rc = posix_spawn(&pid, kPath, &fa, nullptr, const_cast<char**>(argv), const_cast<char**>(envp));
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) return;
    int status = 0;
    if (waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0) result = kPath;
  });
  return result;
}

std::string BuildSpawnSpec(const SandboxInput& in, JobSpawnSpec* out) {
  // Environment: later entries win, as container overrides do.
  std::map<std::string, std::string> env;
  std::vector<std::string> order;
  for (const auto& [k, v] : in.env) {
    if (!env.count(k)) order.push_back(k);
    env[k] = v;
  }
  out->env.clear();
  for (const auto& k : order) out->env.push_back(k + "=" + env[k]);
  out->workdir = in.workdir;
  out->argv.clear();
  if (in.command.empty())
    return "CannotStartContainerError: the job has no command (the emulator runs no image entrypoint)";
  std::string path = env.count("PATH") ? env["PATH"] : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  std::string exe = FindExecutable(in.command[0], path);
  if (exe.empty())
    return "CannotStartContainerError: Error response from daemon: failed to create task for container: "
           "exec: \"" +
           in.command[0] + "\": executable file not found in $PATH";
  // A volume whose host path is its container path (e.g. the host's /usr or
  // an AWS CLI install shared with jobs) is already where the job looks:
  // binding it would only add a way to fail, so it needs no bubblewrap. Its
  // read-only flag is then not enforced.
  // A host path that does not exist is left out rather than failing the
  // job in bubblewrap (Docker would create an empty directory there).
  std::vector<MountSpec> binds;
  for (const MountSpec& m : in.mounts) {
    struct stat st;
    if (NormalPath(m.host_path) == NormalPath(m.container_path) || stat(m.host_path.c_str(), &st) != 0) continue;
    binds.push_back(m);
  }
  if (!binds.empty() && !in.bwrap_path.empty()) {
    // The host's root stays visible (as the image would be); each volume is
    // bound over its container path.
    out->argv = {in.bwrap_path, "--dev-bind", "/", "/", "--die-with-parent"};
    for (const MountSpec& m : binds) {
      out->argv.push_back(m.read_only ? "--ro-bind" : "--bind");
      out->argv.push_back(m.host_path);
      out->argv.push_back(m.container_path);
    }
    out->argv.push_back("--chdir");
    out->argv.push_back(in.workdir);
    out->argv.push_back("--");
  }
  out->argv.push_back(exe);
  for (size_t i = 1; i < in.command.size(); ++i) out->argv.push_back(in.command[i]);
  return "";
}

}  // namespace awsemu
