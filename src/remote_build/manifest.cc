#include "remote_build/manifest.h"

#include <cstdio>
#include <ctime>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/text.h"

namespace ferry::remote_build {

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

namespace {

// Appends `command` + " " + path for each of `paths` as lines of at most
// about 16 kB, so a long list never exceeds the shell's argument limits.
void AppendBatched(const std::string& command, const std::vector<std::string>& paths, std::string* s) {
  std::string line;
  for (const auto& p : paths) {
    if (!line.empty() && line.size() + p.size() > 16000) {
      *s += command + line + "\n";
      line.clear();
    }
    line += " " + p;
  }
  *s += command + line + "\n";
}

}  // namespace

std::string InputTimesAndModesScript(const Manifest& manifest) {
  // Files with the same second (or mode) share one command.
  std::map<std::string, std::vector<std::string>> by_stamp;
  std::map<uint32_t, std::vector<std::string>> by_mode;
  for (const auto& [rel, e] : manifest) {
    std::string quoted = ShellQuote(rel[0] == '-' ? "./" + rel : rel);
    if ((e.mode & 07777) != 0644 && (e.mode & 07777) != 0) by_mode[e.mode & 07777].push_back(quoted);
    time_t t = static_cast<time_t>(e.mtime_ns / 1000000000);
    struct tm utc;
    char stamp[32];
    if (!gmtime_r(&t, &utc) || utc.tm_year < 70 || utc.tm_year > 8099 ||
        !std::strftime(stamp, sizeof stamp, "%Y%m%d%H%M.%S", &utc))
      continue;
    by_stamp[stamp].push_back(quoted);
  }
  std::string s = "# ferry build: the uploaded files' modes and modification times.\nTZ=UTC0\nexport TZ\n";
  for (const auto& [mode, paths] : by_mode) {
    char octal[8];
    std::snprintf(octal, sizeof octal, "%o", mode);
    AppendBatched(std::string("chmod ") + octal, paths, &s);
  }
  for (const auto& [stamp, paths] : by_stamp) AppendBatched("touch -c -t " + stamp, paths, &s);
  return s;
}

std::map<std::string, JobFileRecord> ParseResultsMtimes(const std::string& text) {
  std::map<std::string, JobFileRecord> out;
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
    // Paths start with "./", so a flag before them cannot be mistaken for one.
    int executable = -1;
    if (path.size() > 2 && (path[0] == 'x' || path[0] == '-') && path[1] == ' ') {
      executable = path[0] == 'x';
      path.remove_prefix(2);
    }
    if (!digits || !StartsWith(path, "./") || path.size() <= 2) continue;
    out[std::string(path.substr(2))] = JobFileRecord{seconds, executable};
  }
  return out;
}

uint32_t ModeForJobFile(uint32_t mode, int executable) {
  if (executable < 0) return mode;
  mode &= ~uint32_t{0111};
  if (executable) mode |= (mode & 0444) >> 2;
  return mode;
}

}  // namespace ferry::remote_build
