// What the mirror holds, as JSON beside it (ferry-build/<id>/manifest.json):
// for each uploaded path its ETag, size, mtime and permission bits, so a
// download can restore modes and times of files the job left alone; and the
// job's own record of the files it changed (ferry-build/<id>/results-mtimes,
// "SECONDS x|- ./path\0" records from `find`, `date -r` and `test -x`), so
// downloaded results keep the times and executable bits the job gave them.
// The upload also leaves an sh script (ferry-build/<id>/input-mtimes) with
// which the job restores the times and modes of the files it fetched (S3
// keeps neither: `aws s3 sync` makes every file 0644, so `./script.sh` in a
// Makefile would not run).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "util/status.h"

namespace ferry::remote_build {

struct ManifestEntry {
  std::string etag;
  int64_t size = 0;
  int64_t mtime_ns = 0;
  uint32_t mode = 0;
};
using Manifest = std::map<std::string, ManifestEntry>;

// Deterministic text: the same files give the same bytes, so an unchanged
// directory's manifest need not be rewritten.
std::string ManifestToJson(const Manifest& manifest);
Status ParseManifest(const std::string& json, Manifest* out);

// A POSIX sh script that gives each file of `manifest` its recorded mtime
// (`touch -c -t`, in UTC, whole seconds) and permission bits (`chmod`, for
// modes other than the 0644 a fetch gives), run by the job in the fetched
// tree so the workflow sees the user's times and executables.
std::string InputTimesAndModesScript(const Manifest& manifest);

// What the job recorded about one file it wrote.
struct JobFileRecord {
  int64_t mtime_seconds = 0;
  // 1: executable, 0: not, -1: not recorded (a job script of an older ferry).
  int executable = -1;
};

// Parses the job's results-mtimes records into path -> record (paths
// without the leading "./"); malformed records are skipped.
std::map<std::string, JobFileRecord> ParseResultsMtimes(const std::string& text);

// The mode a downloaded file the job wrote should get: `mode` with its
// executable bits following its read bits when the job made it executable,
// cleared when the job did not, unchanged when the job did not say.
uint32_t ModeForJobFile(uint32_t mode, int executable);

}  // namespace ferry::remote_build
