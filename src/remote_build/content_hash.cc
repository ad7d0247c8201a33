#include "remote_build/content_hash.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "aws/crypto.h"
#include "aws/s3_transfer.h"

namespace ferry::remote_build {

Status ContentEtag(const std::string& path, int64_t size, const EtagLayout& layout, std::string* etag) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Failed("cannot read " + path + ": " + std::strerror(errno));
  bool multipart = size >= layout.multipart_threshold;
  int64_t part = multipart ? aws::ChoosePartSize(size, layout.part_size) : size;
  aws::Hasher md5(aws::Hasher::Kind::kMd5);
  std::vector<std::string> part_md5s;
  std::string buf(1 << 20, '\0');
  int64_t done = 0, in_part = 0;
  while (done < size) {
    size_t want = static_cast<size_t>(std::min<int64_t>(buf.size(), size - done));
    if (multipart) want = static_cast<size_t>(std::min<int64_t>(want, part - in_part));
    ssize_t n = ::read(fd, buf.data(), want);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    md5.Update(buf.data(), static_cast<size_t>(n));
    done += n;
    in_part += n;
    if (multipart && in_part == part) {
      part_md5s.push_back(md5.Final());
      in_part = 0;
    }
  }
  ::close(fd);
  if (done != size) return Status::Failed(path + " changed while it was read (expected " + std::to_string(size) + " bytes)");
  if (!multipart) {
    *etag = aws::HexEncode(md5.Final());
    return Status::Ok();
  }
  if (in_part > 0) part_md5s.push_back(md5.Final());
  *etag = aws::MultipartEtag(part_md5s);
  return Status::Ok();
}

void HashCache::Load() {
  entries_.clear();
  if (file_.empty()) return;
  std::ifstream in(file_);
  if (!in) return;
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    auto j = nlohmann::json::parse(ss.str());
    if (j.value("version", 0) != 1 || j.value("multipart_threshold", int64_t{0}) != layout_.multipart_threshold ||
        j.value("part_size", int64_t{0}) != layout_.part_size)
      return;
    for (const auto& [rel, e] : j.at("files").items()) {
      Entry entry{e.at(0).get<int64_t>(), e.at(1).get<int64_t>(), e.at(2).get<uint64_t>(), e.at(3).get<std::string>()};
      entries_[rel] = std::move(entry);
    }
  } catch (const nlohmann::json::exception&) {
    entries_.clear();  // a damaged cache only costs re-hashing
  }
}

Status HashCache::Save() const {
  if (file_.empty()) return Status::Ok();
  nlohmann::json files = nlohmann::json::object();
  for (const auto& [rel, e] : entries_) files[rel] = {e.size, e.mtime_ns, e.inode, e.etag};
  nlohmann::json j{{"version", 1},
                   {"multipart_threshold", layout_.multipart_threshold},
                   {"part_size", layout_.part_size},
                   {"files", std::move(files)}};
  return WriteFileAtomically(file_, j.dump());
}

bool HashCache::Lookup(const std::string& rel, int64_t size, int64_t mtime_ns, uint64_t inode,
                       std::string* etag) const {
  auto it = entries_.find(rel);
  if (it == entries_.end()) return false;
  const Entry& e = it->second;
  if (e.size != size || e.mtime_ns != mtime_ns || e.inode != inode) return false;
  *etag = e.etag;
  return true;
}

void HashCache::Store(const std::string& rel, int64_t size, int64_t mtime_ns, uint64_t inode,
                      const std::string& etag) {
  entries_[rel] = Entry{size, mtime_ns, inode, etag};
}

std::string DefaultHashCacheFile(const std::string& dir_id) {
  const char* home = std::getenv("HOME");
  if (!home || !*home) return "";
  return std::string(home) + "/.ferry/build-cache/" + dir_id + ".json";
}

Status WriteFileAtomically(const std::string& path, const std::string& data) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path parent = fs::path(path).parent_path();
  if (!parent.empty()) fs::create_directories(parent, ec);
  std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << data;
    out.close();
    if (!out) {
      ::unlink(tmp.c_str());
      return Status::Failed("cannot write " + tmp);
    }
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Status s = Status::Failed("cannot rename " + tmp + " to " + path + ": " + std::strerror(errno));
    ::unlink(tmp.c_str());
    return s;
  }
  return Status::Ok();
}

}  // namespace ferry::remote_build
