// What the mirror holds, as JSON beside it (ferry-build/<id>/manifest.json):
// for each uploaded path its ETag, size, mtime and permission bits, so a
// download can restore modes and times of files the job left alone; and the
// job's own record of the files it changed (ferry-build/<id>/results-mtimes,
// "SECONDS ./path\0" records from `find` + `date -r`), so downloaded results
// keep the times the job gave them. The upload also leaves an sh script
// (ferry-build/<id>/input-mtimes) with which the job restores the times of
// the files it fetched.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "util/status.h"

namespace ferry::build {

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
// (`touch -c -t`, in UTC, whole seconds), run by the job in the fetched tree
// so the workflow sees the user's times, not S3's upload times.
std::string InputMtimesScript(const Manifest& manifest);

// Parses the job's results-mtimes records into path -> seconds (paths
// without the leading "./"); malformed records are skipped.
std::map<std::string, int64_t> ParseResultsMtimes(const std::string& text);

}  // namespace ferry::build
