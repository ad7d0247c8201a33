// Which paths of a build directory travel: gitignore-like patterns for the
// upload excludes (built-in ones, --exclude-from-upload, DIR/.ferryignore)
// and the download selection (--download, --exclude-from-download). Pure
// string logic, no file system access except ReadFerryIgnore.
//
// Pattern syntax (one per line in .ferryignore, `#` starts a comment):
//   *.pyc          no '/' inside: matches a file or directory name at any depth
//   results/       trailing '/': directories only (and so everything under them)
//   data/raw/*.gz  a '/' inside (or a leading '/'): anchored at DIR's root
//   **             any number of directories; '*' and '?' stop at '/';
//   [a-z] classes, '\' escapes; !pattern re-includes. The last matching
//   pattern decides.
#pragma once

#include <string>
#include <vector>

#include "util/status.h"

namespace ferry::remote_build {

// '*' and '?' never match '/', a "**" segment matches zero or more segments.
bool GlobMatch(const std::string& pattern, const std::string& text);

struct PathPattern {
  std::string glob;       // without '!', leading '/' and trailing '/'
  bool negated = false;   // "!glob"
  bool dir_only = false;  // "glob/"
  bool anchored = false;  // had a '/' before its last character
  // True if this pattern matches `rel` itself or one of its parent directories.
  bool Matches(const std::string& rel, bool is_dir) const;
};

// Parses one pattern line; returns false for blank and comment lines.
bool ParsePathPattern(const std::string& line, PathPattern* out);

class PathFilter {
 public:
  void Add(const std::string& line);  // blank and comment lines are ignored
  void AddAll(const std::vector<std::string>& lines);
  // Result of the last pattern that matches (negated: included), else `fallback`.
  bool Excluded(const std::string& rel, bool is_dir, bool fallback = false) const;
  // True if `dir` is excluded and no negated pattern could re-include
  // anything beneath it, so a scan need not enter it.
  bool CanPrune(const std::string& dir) const;
  const std::vector<PathPattern>& patterns() const { return patterns_; }

 private:
  std::vector<PathPattern> patterns_;
};

// What never travels (.git/, __pycache__/, *.pyc, .snakemake/ but its log/,
// metadata/ and storage/), as pattern lines.
const std::vector<std::string>& DefaultExcludes();

// The upload filter: DefaultExcludes() then `extra` (--exclude-from-upload
// and .ferryignore lines).
PathFilter UploadFilter(const std::vector<std::string>& extra);

// The download selection: default excludes, then --download patterns ('!'
// negates; none given means everything), then --exclude-from-download.
class DownloadSelection {
 public:
  DownloadSelection(const std::vector<std::string>& patterns, const std::vector<std::string>& exclude);
  bool Selected(const std::string& rel) const;

 private:
  PathFilter defaults_, chosen_;
  bool everything_ = true;
};

// Lines of DIR/.ferryignore (none when the file does not exist). Errors name
// the file.
Status ReadFerryIgnore(const std::string& dir, std::vector<std::string>* lines);

// The same excludes as --exclude/--include arguments of `aws s3 sync`, whose
// globs see the whole relative path and whose '*' crosses '/'. Best effort:
// "**" becomes '*', so a few odd patterns match more than locally.
std::vector<std::string> AwsSyncFilterArgs(const std::vector<std::string>& extra);

}  // namespace ferry::remote_build
