#include "engine/publisher.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>

namespace ferry {

namespace fs = std::filesystem;

namespace {

std::string TempName(const fs::path& dst) {
  static std::atomic<int> counter{0};
  return (dst.parent_path() / ("." + dst.filename().string() + ".ferry-tmp-" + std::to_string(::getpid()) + "-" +
                               std::to_string(counter++)))
      .string();
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
  if (ec) return Status::Failed("cannot create publish dir " + dst.parent_path().string() + ": " + ec.message());
  // Follow the symlink a task may have written as its output.
  fs::path real = fs::canonical(src, ec);
  if (ec) return Status::Failed("cannot read output " + src.string() + ": " + ec.message());
  if (SameFile(real, dst)) return Status::Ok();
  std::string tmp = TempName(dst);
  if (fs::is_directory(real)) {
    fs::copy(real, tmp, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
    if (ec) {
      fs::remove_all(tmp);
      return Status::Failed("cannot publish " + src.string() + " to " + dst.string() + ": " + ec.message());
    }
    // Directories cannot be renamed over a non-empty one: move the old one
    // aside first, so the new one appears in one step.
    std::string old;
    if (fs::exists(dst)) {
      old = TempName(dst) + ".old";
      fs::rename(dst, old, ec);
    }
    fs::rename(tmp, dst, ec);
    if (!old.empty()) fs::remove_all(old);
  } else {
    fs::copy_file(real, tmp, fs::copy_options::overwrite_existing, ec);
    if (!ec) fs::last_write_time(tmp, fs::last_write_time(real), ec);
    if (!ec) {
      if (fs::is_directory(dst)) fs::remove_all(dst);
      fs::rename(tmp, dst, ec);
    }
    if (ec) fs::remove(tmp);
  }
  if (ec) return Status::Failed("cannot publish " + src.string() + " to " + dst.string() + ": " + ec.message());
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
