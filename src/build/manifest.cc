#include "build/manifest.h"

#include <ctime>
#include <vector>

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

std::string InputMtimesScript(const Manifest& manifest) {
  // Files with the same second share a touch command (bounded in length).
  std::map<std::string, std::vector<std::string>> by_stamp;
  for (const auto& [rel, e] : manifest) {
    time_t t = static_cast<time_t>(e.mtime_ns / 1000000000);
    struct tm utc;
    char stamp[32];
    if (!gmtime_r(&t, &utc) || utc.tm_year < 70 || utc.tm_year > 8099 ||
        !std::strftime(stamp, sizeof stamp, "%Y%m%d%H%M.%S", &utc))
      continue;
    by_stamp[stamp].push_back(ShellQuote(rel[0] == '-' ? "./" + rel : rel));
  }
  std::string s = "# ferry build: the uploaded files' modification times.\nTZ=UTC0\nexport TZ\n";
  for (const auto& [stamp, paths] : by_stamp) {
    std::string line;
    for (const auto& p : paths) {
      if (!line.empty() && line.size() + p.size() > 16000) {
        s += "touch -c -t " + stamp + line + "\n";
        line.clear();
      }
      line += " " + p;
    }
    s += "touch -c -t " + stamp + line + "\n";
  }
  return s;
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
