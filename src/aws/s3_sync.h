// Pure rules of `ferry s3 sync` and the --exclude/--include filters, the
// way the aws CLI applies them: filters in order, the last one that matches
// wins (everything is included by default); patterns are shell globs where
// '*' also matches '/', matched against the path relative to the source
// root. sync transfers a file when it is missing at the destination, its
// size differs, or (upload and copy) the source is newer; for downloads the
// aws CLI re-downloads when the local file is newer than the object, because
// a download stamps the file with the object's time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ferry::aws {

struct PathFilter {
  bool include = false;  // false: --exclude
  std::string pattern;
};

bool GlobMatch(const std::string& pattern, const std::string& text);
bool IsIncluded(const std::vector<PathFilter>& filters, const std::string& relative_path);

enum class SyncDirection { kUpload, kDownload, kCopy };

struct SyncEntry {
  int64_t size = 0;
  int64_t mtime = 0;  // seconds since the epoch
};

bool NeedsTransfer(SyncDirection dir, const SyncEntry& src, const SyncEntry* dst);

// "dir/sub" -> "dir/sub/", "" stays "" : how a recursive S3 source or
// destination prefix is read.
std::string DirectoryPrefix(const std::string& key);

// Where a recursive download writes a key, given the key's rest after the
// source prefix: without its leading slashes, as the aws CLI does, so
// s3://b/p//x copied from s3://b/p/ lands in DEST/x.
std::string DownloadRelativePath(const std::string& rest);

// Relative path of a key under a prefix is safe to write locally (no ".."
// segment, not absolute, not empty).
bool SafeRelativePath(const std::string& rel);

}  // namespace ferry::aws
