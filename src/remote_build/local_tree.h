// The files of a build directory that an upload sends: a recursive scan that
// applies the upload filter (pruning excluded directories such as .git/
// without entering them) and follows symlinks only when their target is
// inside the directory (never into a loop); everything else it skips is
// reported as a warning.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "remote_build/path_filter.h"
#include "util/status.h"

namespace ferry::remote_build {

struct LocalFile {
  std::string rel;   // relative to the directory, '/'-separated
  std::string path;  // what to read (a symlink's resolved target)
  int64_t size = 0;
  int64_t mtime_ns = 0;
  uint64_t inode = 0;
  uint32_t mode = 0;  // permission bits
};

// `root` must be an absolute, symlink-free path (realpath). Files come back
// sorted by `rel`.
Status ScanDirectory(const std::string& root, const PathFilter& filter, std::vector<LocalFile>* files,
                     std::vector<std::string>* warnings);

// True if `path` is `root` or lies beneath it (both absolute, normalized).
bool IsWithin(const std::string& root, const std::string& path);
// realpath(3) as a string; "" when it fails.
std::string RealPath(const std::string& path);

}  // namespace ferry::remote_build
