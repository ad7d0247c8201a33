#include "aws/s3_sync.h"

#include <fnmatch.h>

#include "util/text.h"

namespace ferry::aws {

bool GlobMatch(const std::string& pattern, const std::string& text) {
  // No FNM_PATHNAME: '*' crosses '/', as in the aws CLI's fnmatch use.
  return fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
}

bool IsIncluded(const std::vector<PathFilter>& filters, const std::string& rel) {
  bool included = true;
  for (const PathFilter& f : filters)
    if (GlobMatch(f.pattern, rel)) included = f.include;
  return included;
}

bool NeedsTransfer(SyncDirection dir, const SyncEntry& src, const SyncEntry* dst) {
  if (!dst) return true;
  if (src.size != dst->size) return true;
  if (dir == SyncDirection::kDownload) return dst->mtime > src.mtime;
  return src.mtime > dst->mtime;
}

std::string DirectoryPrefix(const std::string& key) {
  if (key.empty() || key.back() == '/') return key;
  return key + "/";
}

std::string DownloadRelativePath(const std::string& rest) {
  size_t start = rest.find_first_not_of('/');
  return start == std::string::npos ? "" : rest.substr(start);
}

bool SafeRelativePath(const std::string& rel) {
  if (rel.empty() || rel.front() == '/') return false;
  for (const std::string& seg : Split(rel, '/'))
    if (seg == "..") return false;
  return true;
}

}  // namespace ferry::aws
