#include "remote_build/build_lock.h"

#include <unistd.h>

#include "remote_build/remote_dir.h"
#include "util/clock_text.h"

namespace ferry::remote_build {

std::string BuildLockPath(const std::string& home, const std::string& abs_dir) {
  return home + "/.ferry/build-locks/" + DirId(abs_dir) + ".lock";
}

Status LockBuildDir(const aws::Env& env, const std::string& abs_dir, std::unique_ptr<RunLock>* out) {
  return RunLock::Acquire(BuildLockPath(env.GetOr("HOME", "."), abs_dir), abs_dir,
                          LockHolder{"build", "", static_cast<int64_t>(::getpid()), NowMs()}, out);
}

}  // namespace ferry::remote_build
