#include "remote_build/content_hash.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "util/atomic_file.h"

namespace ferry::remote_build {

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

void HashCache::Store(const std::string& rel, int64_t size, int64_t mtime_ns, uint64_t inode, const std::string& etag) {
  entries_[rel] = Entry{size, mtime_ns, inode, etag};
}

std::string DefaultHashCacheFile(const std::string& dir_id) {
  const char* home = std::getenv("HOME");
  if (!home || !*home) return "";
  return std::string(home) + "/.ferry/build-cache/" + dir_id + ".json";
}

}  // namespace ferry::remote_build
