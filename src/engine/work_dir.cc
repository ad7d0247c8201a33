#include "engine/work_dir.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ferry {

namespace fs = std::filesystem;

namespace {
Status WriteFilePlain(const std::string& path, const std::string& contents) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return Status::Failed("cannot write " + path + ": " + std::strerror(errno));
  bool ok = std::fwrite(contents.data(), 1, contents.size(), f) == contents.size();
  ok = (std::fclose(f) == 0) && ok;
  if (!ok) return Status::Failed("cannot write " + path + ": " + std::strerror(errno));
  return Status::Ok();
}
}  // namespace

Status PrepareWorkDir(const Task& task, const std::string& script_file, const std::string& wrapper) {
  std::error_code ec;
  fs::remove_all(task.work_dir, ec);
  fs::create_directories(task.work_dir, ec);
  if (ec) return Status::Failed("cannot create work dir " + task.work_dir + ": " + ec.message());
  // Stage inputs: a symlink per input under its staged name.
  for (const auto& in : task.staged) {
    // Inputs on S3 are downloaded by the S3 store (FetchInputs).
    if (in.source.compare(0, 5, "s3://") == 0) continue;
    fs::path link = fs::path(task.work_dir) / in.name;
    if (in.name.find('/') != std::string::npos) fs::create_directories(link.parent_path(), ec);
    if (::symlink(in.source.c_str(), link.c_str()) != 0 && errno != EEXIST)
      return Status::Failed("cannot stage input " + in.source + " into " + task.work_dir + ": " +
                            std::strerror(errno));
  }
  // The dir was just emptied and nothing reads it before the task starts,
  // so plain writes suffice (no temporary name and rename per file).
  FERRY_RETURN_IF_ERROR(WriteFilePlain(task.work_dir + "/.command.sh", script_file));
  FERRY_RETURN_IF_ERROR(WriteFilePlain(task.work_dir + "/.command.run", wrapper));
  return Status::Ok();
}

Status CheckOutputs(const Task& task) {
  for (const auto& [name, v] : task.outputs) {
    std::vector<std::string> paths;
    if (v.is_list()) {
      for (const auto& e : v.as_list()) paths.push_back(e.ToString());
    } else {
      paths.push_back(v.ToString());
    }
    for (const auto& rel : paths) {
      struct stat st;
      if (::stat((task.work_dir + "/" + rel).c_str(), &st) != 0)
        return Status::Failed("missing output '" + name + "': the script did not create '" + rel +
                              "' in its work dir");
    }
  }
  return Status::Ok();
}

bool CompletedOutputsPresent(const Task& task) {
  std::ifstream f(task.work_dir + "/.exitcode");
  int code = -1;
  if (!(f >> code) || code != 0) return false;
  return CheckOutputs(task).ok();
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
