#include "build/manifest.h"

#include <nlohmann/json.hpp>

#include "util/text.h"

namespace ferry::build {

std::string ManifestToJson(const Manifest& manifest) {
  nlohmann::json files = nlohmann::json::object();
  for (const auto& [rel, e] : manifest)
    files[rel] = {{"etag", e.etag}, {"size", e.size}, {"mtime_ns", e.mtime_ns}, {"mode", e.mode}};
  nlohmann::json j{{"version", 1}, {"files", std::move(files)}};
  return j.dump(1) + "\n";
}

Status ParseManifest(const std::string& json, Manifest* out) {
  out->clear();
  try {
    auto j = nlohmann::json::parse(json);
    if (j.value("version", 0) != 1) return Status::Invalid("unknown manifest version");
    for (const auto& [rel, e] : j.at("files").items()) {
      ManifestEntry m;
      m.etag = e.at("etag").get<std::string>();
      m.size = e.at("size").get<int64_t>();
      m.mtime_ns = e.at("mtime_ns").get<int64_t>();
      m.mode = e.at("mode").get<uint32_t>();
      (*out)[rel] = std::move(m);
    }
  } catch (const nlohmann::json::exception& e) {
    out->clear();
    return Status::Invalid(std::string("damaged manifest: ") + e.what());
  }
  return Status::Ok();
}

std::map<std::string, int64_t> ParseResultsMtimes(const std::string& text) {
  std::map<std::string, int64_t> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\0', start);
    if (end == std::string::npos) end = text.size();
    std::string_view rec(text.data() + start, end - start);
    start = end + 1;
    size_t space = rec.find(' ');
    if (space == std::string_view::npos || space == 0) continue;
    int64_t seconds = 0;
    bool digits = true;
    for (char c : rec.substr(0, space)) {
      if (c < '0' || c > '9') {
        digits = false;
        break;
      }
      seconds = seconds * 10 + (c - '0');
    }
    std::string_view path = rec.substr(space + 1);
    if (!digits || !StartsWith(path, "./") || path.size() <= 2) continue;
    out[std::string(path.substr(2))] = seconds;
  }
  return out;
}

}  // namespace ferry::build
