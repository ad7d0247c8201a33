// A file's content identity as S3 would give it is its ETag (aws/etag.h);
// comparing it with a listing's ETag tells whether the mirror already holds
// these bytes, whoever put them there.
//
// HashCache remembers those ETags keyed by (size, mtime_ns, inode) so an
// unchanged large file is read once, not on every upload. It lives in
// ~/.ferry/build-cache/<dir id>.json (outside the build directory, so it is
// neither uploaded nor in the way of the user's git status).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "aws/etag.h"
#include "util/status.h"

namespace ferry::remote_build {

// The ETag rule lives in aws/etag.h; the cache below stores its results.
using aws::ContentEtag;
using aws::EtagLayout;

class HashCache {
 public:
  // `file` "" disables the cache (nothing read or written).
  HashCache(std::string file, EtagLayout layout) : file_(std::move(file)), layout_(layout) {}
  // A missing or unreadable cache is an empty one.
  void Load();
  Status Save() const;

  bool Lookup(const std::string& rel, int64_t size, int64_t mtime_ns, uint64_t inode, std::string* etag) const;
  void Store(const std::string& rel, int64_t size, int64_t mtime_ns, uint64_t inode, const std::string& etag);
  // Keeps only entries for which keep(rel) is true.
  template <class Keep>
  void Retain(Keep keep) {
    for (auto it = entries_.begin(); it != entries_.end();) it = keep(it->first) ? std::next(it) : entries_.erase(it);
  }

 private:
  struct Entry {
    int64_t size = 0, mtime_ns = 0;
    uint64_t inode = 0;
    std::string etag;
  };
  std::string file_;
  EtagLayout layout_;
  std::map<std::string, Entry> entries_;
};

// ~/.ferry/build-cache/<dir id>.json, or "" when HOME is not set.
std::string DefaultHashCacheFile(const std::string& dir_id);

}  // namespace ferry::remote_build
