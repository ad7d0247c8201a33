#include "launch/pipeline_bin.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <vector>

#include "util/hash.h"

namespace fs = std::filesystem;

namespace ferry {

namespace {

// Every regular file under `dir` (symlinks followed), by relative name.
Status ListFiles(const fs::path& dir, std::vector<std::string>* out) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::follow_directory_symlink, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) out->push_back(fs::relative(it->path(), dir, ec).string());
  }
  if (ec) return Status::Invalid("cannot read the pipeline's bin/ (" + dir.string() + "): " + ec.message());
  std::sort(out->begin(), out->end());
  return Status::Ok();
}

// A digest of the file's contents, read 1 MB at a time, so a large tool in
// bin/ costs no more memory than a script.
Status ContentDigest(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Invalid("cannot read " + path + " in the pipeline's bin/");
  std::string chunk(1 << 20, '\0'), digest;
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    Hasher h;
    digest = h.Add(digest).Add(std::string_view(chunk.data(), static_cast<size_t>(in.gcount()))).HexDigest(32);
  }
  if (in.bad()) return Status::Invalid("cannot read " + path + " in the pipeline's bin/");
  *out = digest;
  return Status::Ok();
}

}  // namespace

Status ReadPipelineBin(const std::string& pipeline_dir, PipelineBin* out) {
  *out = PipelineBin{};
  const fs::path dir = fs::path(pipeline_dir) / "bin";
  std::error_code ec;
  fs::file_status st = fs::status(dir, ec);
  if (!fs::exists(st)) return Status::Ok();
  if (!fs::is_directory(st))
    return Status::Invalid(dir.string() +
                           " is not a directory: bin/ beside the pipeline holds the scripts its tasks call "
                           "(rename the file)");
  std::vector<std::string> files;
  FERRY_RETURN_IF_ERROR(ListFiles(dir, &files));
  Hasher h;
  h.Add("ferry-bin-1");
  for (const auto& rel : files) {
    const std::string path = (dir / rel).string();
    struct stat sb;
    if (::stat(path.c_str(), &sb) != 0) return Status::Invalid("cannot read " + path + " in the pipeline's bin/");
    const bool executable = (sb.st_mode & S_IXUSR) != 0;
    // Only the files directly in bin/ are on PATH; helpers in subfolders
    // are read by those, and are part of the digest all the same.
    if (rel.find('/') == std::string::npos && !executable)
      return Status::Invalid(path + " is not executable, so tasks cannot run it from the pipeline's bin/: chmod +x " +
                             path);
    std::string digest;
    FERRY_RETURN_IF_ERROR(ContentDigest(path, &digest));
    h.Add(rel).Add(static_cast<int64_t>(executable)).Add(digest);
  }
  out->dir = fs::absolute(dir, ec).lexically_normal().string();
  out->digest = h.HexDigest(32);
  return Status::Ok();
}

}  // namespace ferry
