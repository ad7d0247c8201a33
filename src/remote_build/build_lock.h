// The lock of a build directory: one `ferry build` of a directory at a time
// (--local or --aws-batch), so a second one cannot upload over the mirror the
// first job is building from, or run the workflow in the directory the first
// is writing. It is a RunLock (store/run_lock.h) on
// ~/.ferry/build-locks/<dir id>.lock, outside the directory so it is never
// uploaded, and keyed like the mirror (DirId: the same directory through a
// symlink is the same lock). --attach and --list take no lock.
#pragma once

#include <memory>
#include <string>

#include "aws/env.h"
#include "store/run_lock.h"
#include "util/status.h"

namespace ferry::remote_build {

// $HOME/.ferry/build-locks/<dir id>.lock
std::string BuildLockPath(const std::string& home, const std::string& abs_dir);

// Locks the build of abs_dir for this process (under env's HOME, "." when
// unset, as builds.db); Invalid (exit 2) naming the build that holds it.
Status LockBuildDir(const aws::Env& env, const std::string& abs_dir, std::unique_ptr<RunLock>* out);

}  // namespace ferry::remote_build
