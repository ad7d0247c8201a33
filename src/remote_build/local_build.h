// `ferry build --local DIR`: runs the directory's workflow here, in DIR,
// as the Batch job would run it there (same command, --cpus/--memory passed
// on), and returns its exit status. Like a Batch build it holds the
// directory's build lock (build_lock.h) while the workflow runs.
#pragma once

#include <string>
#include <vector>

#include "remote_build/build_driver.h"
#include "remote_build/build_output.h"
#include "remote_build/build_settings.h"
#include "remote_build/build_workflow.h"
#include "util/status.h"

namespace ferry::remote_build {

int RunLocalBuild(const BuildRequest& request, BuildOutput* out);

// The command line of the directory's workflow as the request asks for it
// (--exec, workflow args, the size in settings), run by `ferry_program`
// when the workflow is a ferry pipeline; warnings go to out.
std::vector<std::string> WorkflowArgv(const BuildRequest& request, const BuildSettings& settings, WorkflowKind kind,
                                      const std::string& ferry_program, BuildOutput* out);

// The absolute path of a build directory, or Invalid when it is not one.
Status ResolveBuildDir(const std::string& dir, std::string* abs);

// Prints "ferry build: MESSAGE" to out's errors and returns the exit code.
int Fail(BuildOutput* out, const Status& s);

}  // namespace ferry::remote_build
