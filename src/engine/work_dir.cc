#include "engine/work_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "pipeline/output_pattern.h"
#include "util/sys_error.h"
#include "util/text.h"

namespace ferry {

namespace fs = std::filesystem;

namespace {

// Creates `dir` empty. A fresh run's dirs do not exist yet, so the common
// case is one mkdir; a leftover dir (an earlier attempt, a run stopped before
// the task ran) is removed first, missing parents are created.
Status MakeEmptyDir(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0755) == 0) return Status::Ok();
  std::error_code ec;
  if (errno == EEXIST) {
    fs::remove_all(dir, ec);
  } else if (errno == ENOENT) {
    fs::create_directories(fs::path(dir).parent_path(), ec);
  }
  if (!ec && ::mkdir(dir.c_str(), 0755) != 0) ec = std::error_code(errno, std::generic_category());
  if (ec) return Status::Failed("cannot create work dir " + dir + ": " + ErrnoText(ec));
  return Status::Ok();
}

// The dir was just emptied and nothing reads it before the task starts, so
// plain writes suffice (no temporary name and rename per file); the file is
// opened relative to the dir's fd (no path walk per file).
Status WriteFileAt(int dir_fd, const std::string& dir, const char* name, const std::string& contents) {
  int fd = ::openat(dir_fd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  bool ok = fd >= 0;
  for (size_t off = 0; ok && off < contents.size();) {
    ssize_t n = ::write(fd, contents.data() + off, contents.size() - off);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) off += static_cast<size_t>(n);
  }
  int err = errno;
  if (fd >= 0 && ::close(fd) != 0 && ok) {
    ok = false;
    err = errno;
  }
  if (!ok) return Status::Failed("cannot write " + dir + "/" + name + ": " + ErrnoText(err));
  return Status::Ok();
}

// Closes a dir fd on every return path.
struct DirFd {
  int fd;
  ~DirFd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

Status PrepareWorkDir(const Task& task, const std::string& script_file, const std::string& wrapper) {
  FERRY_RETURN_IF_ERROR(MakeEmptyDir(task.work_dir));
  DirFd dir{::open(task.work_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (dir.fd < 0) return Status::Failed("cannot open work dir " + task.work_dir + ": " + ErrnoText(errno));
  // Stage inputs: a symlink per input under its staged name.
  for (const auto& in : task.staged) {
    // Inputs on S3 are downloaded by the S3 store (FetchInputs).
    if (in.source.compare(0, 5, "s3://") == 0) continue;
    const std::string staged = task.work_dir + "/" + in.name;
    if (in.name.find('/') != std::string::npos) {
      std::error_code ec;
      fs::create_directories(fs::path(staged).parent_path(), ec);
      if (ec)
        return Status::Failed("cannot stage input " + in.source + " as " + staged + ": cannot create " +
                              fs::path(staged).parent_path().string() + ": " + ErrnoText(ec));
    }
    if (::symlinkat(in.source.c_str(), dir.fd, in.name.c_str()) != 0 && errno != EEXIST)
      return Status::Failed("cannot stage input " + in.source + " as " + staged + ": " + ErrnoText(errno));
  }
  FERRY_RETURN_IF_ERROR(WriteFileAt(dir.fd, task.work_dir, ".command.sh", script_file));
  FERRY_RETURN_IF_ERROR(WriteFileAt(dir.fd, task.work_dir, ".command.run", wrapper));
  return Status::Ok();
}

std::vector<ContainerMount> InputMounts(const Task& task) {
  std::map<std::string, std::string> by_path;  // where the link points -> its real path; sorted: parents first
  for (const auto& in : task.staged) {
    if (in.source.compare(0, 5, "s3://") == 0) continue;  // downloaded into the work dir
    std::error_code ec;
    fs::path real = fs::canonical(in.source, ec);
    // A missing input: the engine then says which path it cannot mount.
    by_path.emplace(in.source, ec ? in.source : real.string());
  }
  std::vector<ContainerMount> out;
  out.reserve(by_path.size());
  for (const auto& [inside, host] : by_path) out.push_back(ContainerMount{host, inside, true});
  return out;
}

std::vector<std::string> OutputPaths(const Value& output) {
  if (!output.is_list()) return {output.ToString()};
  std::vector<std::string> paths;
  for (const auto& e : output.as_list()) paths.push_back(e.ToString());
  return paths;
}

namespace {

void MatchLevel(const std::string& dir, const std::vector<std::string>& parts, size_t level, const std::string& prefix,
                const std::vector<std::string>& exclude, std::vector<std::string>* out) {
  DIR* d = ::opendir(prefix.empty() ? dir.c_str() : (dir + "/" + prefix).c_str());
  if (!d) return;
  const bool last = level + 1 == parts.size();
  while (struct dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    if (!MatchesPattern(parts[level], name)) continue;
    std::string rel = prefix.empty() ? name : prefix + "/" + name;
    if (std::find(exclude.begin(), exclude.end(), rel) != exclude.end() || IsFerryFile(rel)) continue;
    if (last) {
      out->push_back(rel);
      continue;
    }
    struct stat st;
    if (::stat((dir + "/" + rel).c_str(), &st) == 0 && S_ISDIR(st.st_mode))
      MatchLevel(dir, parts, level + 1, rel, exclude, out);
  }
  ::closedir(d);
}

}  // namespace

std::vector<std::string> MatchInDir(const std::string& dir, const std::string& pattern,
                                    const std::vector<std::string>& exclude) {
  std::vector<std::string> out;
  MatchLevel(dir, Split(pattern, '/'), 0, "", exclude, &out);
  std::sort(out.begin(), out.end());
  return out;
}

std::string OutputLabel(const Task& task, const std::string& name) {
  std::string label = "output '" + name + "'";
  SourceLoc loc = task.spec ? task.spec->OutputLoc(name) : SourceLoc();
  if (!loc.file.empty()) label += " (declared at " + loc.ToString() + ")";
  return label;
}

Status CheckOutputs(const Task& task, ValueMap* found) {
  for (const auto& [name, v] : task.outputs) {
    const OutputDecl& decl = task.spec ? task.spec->FindOutputDecl(name) : OutputDecl::Plain();
    if (decl.pattern && v.is_string()) {
      std::vector<std::string> staged;
      staged.reserve(task.staged.size());
      for (const auto& in : task.staged) staged.push_back(in.name);
      ValueList matched;
      for (auto& rel : MatchInDir(task.work_dir, v.as_string(), staged)) matched.emplace_back(std::move(rel));
      if (matched.empty() && !decl.optional)
        return Status::Failed(OutputLabel(task, name) + " matched nothing: no file in its work dir " + task.work_dir +
                              " matches '" + v.as_string() +
                              "' (if the task may make none, declare it { path: ..., optional: true })");
      found->Set(name, Value(std::move(matched)));
      continue;
    }
    ValueList present;
    for (const auto& rel : OutputPaths(v)) {
      struct stat st;
      const std::string path = task.work_dir + "/" + rel;
      if (::stat(path.c_str(), &st) == 0) {
        if (decl.optional) present.emplace_back(rel);
        continue;
      }
      if (errno == ENOENT && decl.optional) continue;
      if (errno == ENOENT)
        return Status::Failed("missing " + OutputLabel(task, name) + ": the script did not create '" + rel +
                              "' in its work dir " + task.work_dir);
      // Not "missing": the file may well be there (EACCES on a dir the
      // script made unreadable, ENAMETOOLONG, ELOOP ...).
      return Status::Failed("cannot read output '" + name + "' (" + path + "): " + ErrnoText(errno));
    }
    if (!decl.optional) continue;
    if (v.is_list()) found->Set(name, Value(std::move(present)));
    else found->Set(name, present.empty() ? Value() : present[0]);
  }
  return Status::Ok();
}

std::string ExplainWorkDirFailure(const Task& task, const std::string& why, bool* status_lost) {
  struct stat st;
  if (::lstat(task.work_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    *status_lost = true;
    // The wrapper's EXIT trap then cannot write .exitcode either, which
    // bash reports as exit status 1: that status says nothing.
    return "its work dir " + task.work_dir +
           " vanished while it ran (the script, or something else, removed it), so its exit status, outputs and "
           "logs are lost; a task must leave its work dir in place (ferry saw: " +
           why + ")";
  }
  struct statvfs fs_info;
  if (::statvfs(task.work_dir.c_str(), &fs_info) == 0) {
    // root may still write into the blocks kept back for it.
    const unsigned long long blocks = ::geteuid() == 0 ? fs_info.f_bfree : fs_info.f_bavail;
    const bool no_inodes = fs_info.f_files > 0 && (::geteuid() == 0 ? fs_info.f_ffree : fs_info.f_favail) == 0;
    if (blocks == 0 || no_inodes) {
      return why + "; the file system holding its work dir " + task.work_dir + " is full" +
             (no_inodes ? " (no free inodes)" : "") + ": " + ErrnoText(ENOSPC) +
             ", so the script's writes, its .command.err and .exitcode may have failed; free some space or point "
             "-work-dir at a larger disk";
    }
  }
  return why;
}

bool CompletedOutputsPresent(const Task& task, ValueMap* found) {
  std::ifstream f(task.work_dir + "/.exitcode");
  int code = -1;
  if (!(f >> code) || code != 0) return false;
  return CheckOutputs(task, found).ok();
}

std::string TailFile(const std::string& path, int lines) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return "";
  // Read at most the last 64 KiB: enough for 20 lines of any sane stderr.
  f.seekg(0, std::ios::end);
  std::streamoff size = f.tellg();
  std::streamoff start = size > 65536 ? size - 65536 : 0;
  f.seekg(start);
  std::string data((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  return TailText(data, lines, /*first_line_cut=*/start > 0);
}

std::string TailText(const std::string& data, int lines, bool first_line_cut) {
  std::deque<std::string> tail;
  std::istringstream in(data);
  std::string line;
  bool first = first_line_cut;
  while (std::getline(in, line)) {
    if (first) {
      first = false;
      continue;
    }
    tail.push_back(line);
    if (static_cast<int>(tail.size()) > lines) tail.pop_front();
  }
  std::string out;
  for (const auto& l : tail) out += l + "\n";
  return out;
}

}  // namespace ferry
