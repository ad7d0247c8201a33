#include "engine/publisher.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>

#include "util/sys_error.h"
#include "util/temp_name.h"

namespace ferry {

namespace fs = std::filesystem;

namespace {

// A temp beside `dst` (util/temp_name.h has the naming rule); the counter
// keeps this process's publishes apart, the pid other processes'.
std::string TempName(const fs::path& dst, const char* tag = "") {
  static std::atomic<int> counter{0};
  return TempNameBeside(dst.string(), std::to_string(::getpid()) + "-" + std::to_string(counter++) + tag);
}

bool SameFile(const fs::path& a, const fs::path& b) {
  std::error_code ec;
  if (!fs::is_regular_file(a, ec) || !fs::is_regular_file(b, ec)) return false;
  auto sa = fs::file_size(a, ec);
  if (ec) return false;
  auto sb = fs::file_size(b, ec);
  if (ec || sa != sb) return false;
  auto ta = fs::last_write_time(a, ec);
  if (ec) return false;
  auto tb = fs::last_write_time(b, ec);
  return !ec && ta == tb;
}

Status PublishOne(const fs::path& src, const fs::path& dst) {
  std::error_code ec;
  fs::create_directories(dst.parent_path(), ec);
  if (ec) return Status::Failed("cannot create publish dir " + dst.parent_path().string() + ": " + ErrnoText(ec));
  // Follow the symlink a task may have written as its output.
  fs::path real = fs::canonical(src, ec);
  if (ec) return Status::Failed("cannot read output " + src.string() + ": " + ErrnoText(ec));
  if (SameFile(real, dst)) return Status::Ok();
  std::string tmp = TempName(dst);
  // Only error_code overloads below: a throwing one would end ferry instead
  // of failing this task with the path and the reason.
  std::error_code ignored;
  if (fs::is_directory(real, ec)) {
    fs::copy(real, tmp, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
    if (ec) {
      fs::remove_all(tmp, ignored);
      return Status::Failed("cannot publish " + src.string() + " to " + dst.string() + ": " + ErrnoText(ec));
    }
    // Directories cannot be renamed over a non-empty one: move the old one
    // aside first, so the new one appears in one step.
    std::string old;
    if (fs::exists(dst, ignored)) {
      old = TempName(dst, ".old");
      fs::rename(dst, old, ec);
    }
    if (!ec) fs::rename(tmp, dst, ec);
    if (ec) fs::remove_all(tmp, ignored);
    if (!old.empty()) fs::remove_all(old, ignored);
  } else if (!ec) {
    fs::copy_file(real, tmp, fs::copy_options::overwrite_existing, ec);
    if (!ec) {
      auto mtime = fs::last_write_time(real, ec);
      if (!ec) fs::last_write_time(tmp, mtime, ec);
    }
    if (!ec) {
      if (fs::is_directory(dst, ignored)) fs::remove_all(dst, ignored);
      fs::rename(tmp, dst, ec);
    }
    if (ec) fs::remove(tmp, ignored);
  }
  if (ec) return Status::Failed("cannot publish " + src.string() + " to " + dst.string() + ": " + ErrnoText(ec));
  return Status::Ok();
}

}  // namespace

Status PublishOutputs(const Task& task, const std::string& publish_dir) {
  for (const auto& rel : task.OutputPaths()) {
    FERRY_RETURN_IF_ERROR(PublishOne(fs::path(task.work_dir) / rel, fs::path(publish_dir) / rel));
  }
  return Status::Ok();
}

}  // namespace ferry
