#include "slurm/job_files.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "slurm/sbatch_request.h"
#include "util/text.h"

namespace ferry::slurm {

namespace {

// The first `max` bytes of a small file ("" when it cannot be read).
std::string Head(const std::string& path, size_t max) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::string s(max, '\0');
  in.read(s.data(), static_cast<std::streamsize>(max));
  s.resize(static_cast<size_t>(in.gcount()));
  return s;
}

}  // namespace

bool ReadExitCode(const std::string& work_dir, int* code) {
  std::string text(Trim(Head(work_dir + "/.exitcode", 32)));
  if (text.empty() || text.size() > 4 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  *code = std::stoi(text);
  return true;
}

bool EndedWithZero(const std::string& work_dir) {
  int code = -1;
  return ReadExitCode(work_dir, &code) && code == 0 && Trim(Head(work_dir + "/" + kJobEnd, 32)) == "0";
}

bool LeftAnEnd(const std::string& work_dir) {
  int code = -1;
  struct stat st {};
  return ReadExitCode(work_dir, &code) || ::stat((work_dir + "/" + kJobEnd).c_str(), &st) == 0;
}

bool ReadJobMarker(const std::string& work_dir, JobMarker* out) {
  std::string path = work_dir + "/" + kJobMarker;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;
  std::string text = Head(path, 512);
  size_t nl = text.find('\n');
  if (nl == std::string::npos) return false;  // still being written
  std::string line = text.substr(0, nl);
  size_t sp = line.find(' ');
  out->job_id = line.substr(0, sp);
  out->job_name = sp == std::string::npos ? "" : line.substr(sp + 1);
  if (out->job_id.empty()) return false;
  out->written_ms = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
  return true;
}

void RemoveJobFiles(const std::string& work_dir) {
  std::error_code ec;
  std::filesystem::remove(work_dir + "/.exitcode", ec);
  std::filesystem::remove(work_dir + "/" + kJobMarker, ec);
  std::filesystem::remove(work_dir + "/" + kJobEnd, ec);
}

}  // namespace ferry::slurm
