#include "config/user_config.h"

#include <cctype>
#include <utility>
#include <vector>

#include "util/text.h"

namespace ferry::config {

namespace {

std::string Quote(std::string_view v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

bool AllDigits(std::string_view v) {
  if (v.empty()) return false;
  for (char c : v)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

}  // namespace

std::string UserConfigPath(const char* ferry_config, const char* home) {
  if (ferry_config && *ferry_config) return ferry_config;
  if (home && *home) return std::string(home) + "/.ferry/config";
  return "";
}

Status CheckNoIniBuildSection(std::string_view text, const std::string& file) {
  std::vector<std::string> lines = Split(std::string(text), '\n');
  size_t header = lines.size();
  for (size_t i = 0; i < lines.size(); ++i)
    if (Trim(lines[i]) == "[aws-batch]") {
      header = i;
      break;
    }
  if (header == lines.size()) return Status::Ok();

  // The old keys and where each lives now.
  std::vector<std::string> build, other, dropped;
  for (size_t i = header + 1; i < lines.size(); ++i) {
    std::string_view line = Trim(lines[i]);
    if (!line.empty() && line[0] == '[') break;  // the next section
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    size_t eq = line.find('=');
    std::string key = ToLower(Trim(line.substr(0, eq)));
    std::string_view value = eq == std::string_view::npos ? "" : Trim(line.substr(eq + 1));
    if (key == "s3-bucket") build.push_back("bucket = " + Quote(value));
    else if (key == "job") build.push_back("jobDefinition = " + Quote(value));
    else if (key == "queue") build.push_back("queue = " + Quote(value));
    else if (key == "cpus") build.push_back("cpus = " + (AllDigits(value) ? std::string(value) : Quote(value)));
    // A bare number there counted MiB; in the config language it counts bytes.
    else if (key == "memory")
      build.push_back("memory = " + Quote(AllDigits(value) ? std::string(value) + " MB" : value));
    else if (key == "cli") other.push_back("aws.batch.cliPath = " + Quote(value));
    else dropped.push_back(key);
  }
  std::string rewritten;
  if (!build.empty()) {
    rewritten += "build {\n";
    for (const auto& b : build) rewritten += "    " + b + "\n";
    rewritten += "}\n";
  }
  for (const auto& o : other) rewritten += o + "\n";
  for (const auto& d : dropped) rewritten += "// '" + d + "' is not a ferry build setting: dropped\n";
  if (rewritten.empty()) rewritten = "build {\n    // bucket = 'my-bucket', queue = '...', jobDefinition = '...'\n}\n";
  return Status::Invalid(file + ":" + std::to_string(header + 1) +
                         ": '[aws-batch]' is the old INI form of ferry build's settings; this file is read by every "
                         "ferry command in the config language, so replace that section (up to the next '[' line "
                         "or the end) with:\n\n" +
                         rewritten);
}

}  // namespace ferry::config
