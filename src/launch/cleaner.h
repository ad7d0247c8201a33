// Cleaner: removes the work dirs of past runs, on the local disk and on S3,
// and forgets those runs (`ferry clean`). Work dirs a kept run still uses (a
// later run may have reused them from cache) stay, so that run can still be
// resumed.
//
// S3 work dirs (tasks that ran on awsbatch) are removed with the AWS
// settings `ferry run` would use for the run's pipeline: the environment,
// ~/.ferry/config, ferry.config beside the pipeline, -c files and -profile.
// If AWS cannot be reached, nothing is removed and the runs stay recorded,
// so the user can fix the settings and try again; a run is forgotten only
// once all of its work dirs are gone. A dry run only lists: it removes
// nothing, forgets nothing, and a work dir it cannot list is a warning.
//
// While a `ferry run` holds the launch directory's run lock
// (store/run_lock.h), clean refuses (exit 2) instead of removing work dirs a
// running task or a cached publish may be reading; it holds the lock itself
// while it removes, so no run starts meanwhile. A dry run takes no lock.
//
// It lives in launch, not engine, because S3 work dirs need the aws module,
// which the engine must not depend on.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "store/history.h"
#include "util/status.h"

namespace ferry {

struct CleanOptions {
  bool dry_run = false;               // -n: show what would be removed
  std::vector<std::string> configs;   // -c files for the AWS settings
  std::vector<std::string> profiles;  // -profile names for them
  std::FILE* out = stdout;            // one line per work dir, then a total
  std::FILE* err = stderr;            // work dirs that could not be removed
};

class Cleaner {
 public:
  Cleaner(History* history, CleanOptions options) : history_(history), options_(std::move(options)) {}

  // Cleans the runs named. Invalid for an unknown run name, when another
  // ferry run or clean holds the directory, or when AWS cannot be set up
  // (then nothing was touched); Failed when some work dirs
  // could not be removed (their runs stay recorded).
  Status CleanRuns(const std::vector<std::string>& run_names);

 private:
  History* history_;
  CleanOptions options_;
};

}  // namespace ferry
