#include "remote_build/local_tree.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace ferry::remote_build {
namespace {

LocalFile FromStat(const std::string& rel, const std::string& path, const struct stat& st) {
  LocalFile f;
  f.rel = rel;
  f.path = path;
  f.size = st.st_size;
  f.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  f.inode = st.st_ino;
  f.mode = st.st_mode & 07777;
  return f;
}

struct Scan {
  std::string root;
  const PathFilter& filter;
  std::vector<LocalFile>* files;
  std::vector<std::string>* warnings;

  std::vector<std::string> open_dirs;  // real paths being scanned, against symlink loops

  // `abs` is where `rel_dir` really is (it differs below a followed symlink).
  Status Dir(const std::string& rel_dir, const std::string& abs) {
    open_dirs.push_back(abs);
    Status s = DirEntries(rel_dir, abs);
    open_dirs.pop_back();
    return s;
  }

  Status DirEntries(const std::string& rel_dir, const std::string& abs) {
    std::unique_ptr<DIR, int (*)(DIR*)> d(opendir(abs.c_str()), closedir);
    if (!d) return Status::Failed("cannot read directory " + abs + ": " + std::strerror(errno));
    std::vector<std::string> names;
    while (dirent* e = readdir(d.get())) {
      std::string name = e->d_name;
      if (name != "." && name != "..") names.push_back(std::move(name));
    }
    d.reset();
    for (const auto& name : names)
      FERRY_RETURN_IF_ERROR(Entry(rel_dir.empty() ? name : rel_dir + "/" + name, abs + "/" + name));
    return Status::Ok();
  }

  Status Entry(const std::string& rel, const std::string& abs) {
    struct stat st;
    if (lstat(abs.c_str(), &st) != 0) {
      if (errno == ENOENT) return Status::Ok();  // vanished while we looked
      return Status::Failed("cannot read " + abs + ": " + std::strerror(errno));
    }
    if (S_ISDIR(st.st_mode)) return filter.CanPrune(rel) ? Status::Ok() : Dir(rel, abs);
    if (S_ISREG(st.st_mode)) {
      if (!filter.Excluded(rel, false)) files->push_back(FromStat(rel, abs, st));
      return Status::Ok();
    }
    if (filter.Excluded(rel, false)) return Status::Ok();
    if (!S_ISLNK(st.st_mode)) {
      warnings->push_back("skipped " + rel + ": not a regular file, directory or symlink");
      return Status::Ok();
    }
    std::string target = RealPath(abs);
    struct stat ts;
    if (target.empty() || stat(target.c_str(), &ts) != 0) {
      warnings->push_back("skipped symlink " + rel + ": its target does not exist");
    } else if (!IsWithin(root, target)) {
      warnings->push_back("skipped symlink " + rel + ": it points outside the directory (" + target + ")");
    } else if (S_ISDIR(ts.st_mode)) {
      for (const auto& open : open_dirs)
        if (open == target) {
          warnings->push_back("skipped symlink " + rel + ": it links back to a directory that contains it");
          return Status::Ok();
        }
      return filter.CanPrune(rel) ? Status::Ok() : Dir(rel, target);
    } else if (!S_ISREG(ts.st_mode)) {
      warnings->push_back("skipped symlink " + rel + ": its target is not a regular file");
    } else {
      files->push_back(FromStat(rel, target, ts));
    }
    return Status::Ok();
  }
};

}  // namespace

bool IsWithin(const std::string& root, const std::string& path) {
  if (path == root) return true;
  if (root == "/") return !path.empty() && path[0] == '/';
  return path.size() > root.size() && path.compare(0, root.size(), root) == 0 && path[root.size()] == '/';
}

std::string RealPath(const std::string& path) {
  char buf[PATH_MAX];
  if (!realpath(path.c_str(), buf)) return "";
  return buf;
}

Status ScanDirectory(const std::string& root, const PathFilter& filter, std::vector<LocalFile>* files,
                     std::vector<std::string>* warnings) {
  files->clear();
  Scan scan{root, filter, files, warnings, {}};
  FERRY_RETURN_IF_ERROR(scan.Dir("", root));
  std::sort(files->begin(), files->end(), [](const LocalFile& a, const LocalFile& b) { return a.rel < b.rel; });
  return Status::Ok();
}

}  // namespace ferry::remote_build
