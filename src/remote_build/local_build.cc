#include "remote_build/local_build.h"

#include <limits.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "aws/env.h"
#include "remote_build/build_lock.h"
#include "remote_build/build_settings.h"
#include "remote_build/build_workflow.h"

namespace ferry::remote_build {

namespace {

std::string SelfExe() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "ferry";
  buf[n] = '\0';
  return buf;
}

int RunLocal(const std::vector<std::string>& argv, const std::string& dir, BuildOutput* out) {
  std::vector<char*> cargv;
  for (const auto& s : argv) cargv.push_back(const_cast<char*>(s.c_str()));
  cargv.push_back(nullptr);
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) return Fail(out, Status::Failed("cannot start " + argv[0]));
  if (pid == 0) {
    if (::chdir(dir.c_str()) != 0) _exit(127);
    ::execvp(cargv[0], cargv.data());
    std::fprintf(stderr, "ferry build: cannot run %s: %s\n", cargv[0], std::strerror(errno));
    _exit(127);
  }
  // The workflow shares our terminal and gets Control-C itself; we wait for
  // it to finish and report its status.
  signal(SIGINT, SIG_IGN);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  signal(SIGINT, SIG_DFL);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

}  // namespace

int Fail(BuildOutput* out, const Status& s) {
  std::fprintf(out->errors(), "ferry build: %s\n", s.message().c_str());
  return s.exit_code();
}

Status ResolveBuildDir(const std::string& dir, std::string* abs) {
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return Status::Invalid("build directory '" + dir + "' does not exist or is not a directory");
  char buf[PATH_MAX];
  if (!::realpath(dir.c_str(), buf)) return Status::Invalid("cannot resolve '" + dir + "'");
  *abs = buf;
  return Status::Ok();
}

std::vector<std::string> WorkflowArgv(const BuildRequest& request, const BuildSettings& settings, WorkflowKind kind,
                                      const std::string& ferry_program, BuildOutput* out) {
  WorkflowRequest wr;
  wr.kind = kind;
  wr.exec = request.exec;
  wr.ferry_program = ferry_program;
  wr.user_args = request.workflow_args;
  wr.cpus = settings.workflow_cpus;
  wr.memory_mib = settings.workflow_memory_mib;
  std::vector<std::string> warnings;
  std::vector<std::string> argv = WorkflowCommand(wr, &warnings);
  for (const auto& w : warnings) std::fprintf(out->errors(), "warning: %s\n", w.c_str());
  return argv;
}

int RunLocalBuild(const BuildRequest& a, BuildOutput* out) {
  if (a.dir.empty()) return Fail(out, Status::Invalid("no build directory given (usage: ferry build --local DIR)"));
  std::string abs;
  if (Status s = ResolveBuildDir(a.dir, &abs); !s.ok()) return Fail(out, s);
  WorkflowKind kind;
  if (Status s = DetectWorkflow(abs, a.exec, &kind); !s.ok()) return Fail(out, s);
  // Held until the workflow ends; the workflow does not inherit it.
  std::unique_ptr<RunLock> lock;
  if (Status s = LockBuildDir(aws::ProcessEnv(), abs, &lock); !s.ok()) return Fail(out, s);
  BuildSettings settings;
  // Only --cpus/--memory matter here; the Batch settings are not read.
  BuildFlags f;
  f.cpus = a.flags.cpus;
  f.memory = a.flags.memory;
  aws::MapEnv no_env;
  if (Status s = ResolveBuildSettings(f, no_env, nullptr, "", &settings); !s.ok()) return Fail(out, s);
  std::vector<std::string> argv = WorkflowArgv(a, settings, kind, SelfExe(), out);
  int code = RunLocal(argv, abs, out);
  if (a.json) {
    nlohmann::json j = {{"job_id", nullptr},
                        {"status", code == 0 ? "SUCCEEDED" : "FAILED"},
                        {"exit_code", code},
                        {"directory", abs},
                        {"local", true}};
    out->Record(j);
  }
  return code;
}

}  // namespace ferry::remote_build
