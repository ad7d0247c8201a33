#include "rules/directive_rules.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "util/text.h"
#include "util/units.h"

namespace ferry::rules {

namespace {

using K = DirectiveKind;
using D = DirectiveId;

std::string Shown(const Value& v) { return v.is_string() ? "'" + v.as_string() + "'" : v.ToJson(); }

bool Fail(std::string* problem, std::string text) {
  *problem = std::move(text);
  return false;
}

bool Scalar(const Value& v) { return !v.is_list() && !v.is_map(); }

bool CheckCount(int64_t min, const char* what, const Value& v, std::string* problem) {
  int64_t n = 0;
  if (!WholeNumber(v, &n) || n < min) {
    return Fail(problem,
                std::string("must be a ") + (min == 0 ? "non-negative " : "positive ") + what + ", got " + Shown(v));
  }
  if (n > kMaxCount) return Fail(problem, "must be at most " + std::to_string(kMaxCount) + ", got " + Shown(v));
  return true;
}

bool CheckText(const Value& v, std::string* problem) {
  if (Scalar(v)) return true;
  return Fail(problem, std::string("must be a single text value, not a ") + v.kind_name());
}

}  // namespace

const std::vector<DirectiveSpec>& DirectiveSpecs() {
  // Counts of GPUs may be 0 (a withLabel block turning them off); a task
  // needs at least one cpu; maxForks 0 would let nothing run.
  static const auto* specs = new std::vector<DirectiveSpec>{
      {D::kCpus, "cpus", K::kCount, 1, {}},
      {D::kMemory, "memory", K::kMemory, 0, {}},
      {D::kTime, "time", K::kDuration, 0, {}},
      {D::kContainer, "container", K::kText, 0, {}},
      {D::kQueue, "queue", K::kText, 0, {}},
      {D::kLabel, "label", K::kLabels, 0, {}},
      {D::kExecutor, "executor", K::kChoice, 0, {"local", "awsbatch", "slurm"}},
      {D::kArray, "array", K::kCount, 1, {}},
      {D::kAccelerator, "accelerator", K::kAccelerator, 0, {}},
      {D::kRetry, "retry", K::kCount, 0, {}},
      {D::kErrorStrategy, "errorStrategy", K::kChoice, 0, {"terminate", "finish", "ignore", "retry"}},
      {D::kMaxForks, "maxForks", K::kCount, 1, {}},
      {D::kPublish, "publish", K::kPath, 0, {}},
      {D::kClusterOptions, "clusterOptions", K::kText, 0, {}},
      {D::kTag, "tag", K::kText, 0, {}},
      {D::kDisk, "disk", K::kMemory, 0, {}},
      {D::kResourceLabels, "resourceLabels", K::kLabelMap, 0, {}},
  };
  return *specs;
}

const DirectiveSpec* FindDirective(std::string_view name) {
  for (const auto& s : DirectiveSpecs())
    if (s.name == name) return &s;
  return nullptr;
}

const std::vector<std::string>& DirectiveNames() {
  static const auto* names = [] {
    auto* v = new std::vector<std::string>;
    for (const auto& s : DirectiveSpecs()) v->push_back(s.name);
    return v;
  }();
  return *names;
}

const std::set<std::string>& IgnoredDirectives() {
  static const auto* d = new std::set<std::string>{"containerOptions",
                                                   "cache",
                                                   "scratch",
                                                   "stageInMode",
                                                   "stageOutMode",
                                                   "maxErrors",
                                                   "beforeScript",
                                                   "afterScript",
                                                   "module",
                                                   "conda",
                                                   "debug",
                                                   "echo",
                                                   "arch",
                                                   "ext",
                                                   "shell",
                                                   "storeDir",
                                                   "penv",
                                                   "pod",
                                                   "machineType",
                                                   "spack",
                                                   "secret",
                                                   "fair",
                                                   "hints",
                                                   "maxSubmitAwait",
                                                   "resourceLimits"};
  return *d;
}

const std::vector<std::string>& AcceleratorKeys() {
  static const auto* keys = new std::vector<std::string>{"request", "limit", "type"};
  return *keys;
}

bool IsTagByte(unsigned char c) { return c >= 0x80 || std::isalnum(c) || (c != 0 && std::strchr(" _.:/=+-@", c)); }

const std::vector<std::string>& FerryTagKeys() {
  static const auto* keys = new std::vector<std::string>{"ferry-run", "ferry-task", "ferry-pipeline"};
  return *keys;
}

namespace {

// Characters, not bytes: AWS counts a tag's length in Unicode characters.
size_t Utf8Length(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool TagChars(const std::string& s, std::string* bad) {
  for (unsigned char c : s) {
    if (IsTagByte(c)) continue;
    *bad = std::string(1, static_cast<char>(c));
    return false;
  }
  return true;
}

}  // namespace

bool CheckResourceLabel(const std::string& key, const Value& v, std::string* problem) {
  const char* allowed = "letters, digits, spaces and _ . : / = + - @";
  std::string bad;
  if (key.empty()) return Fail(problem, "has an empty key (tag keys need 1 to 128 characters)");
  if (Utf8Length(key) > kMaxTagKey)
    return Fail(problem, "has a key of " + std::to_string(Utf8Length(key)) + " characters, '" + key.substr(0, 20) +
                             "...' (AWS allows tag keys of at most 128)");
  std::string lower = ToLower(key);
  if (lower.rfind("aws:", 0) == 0)
    return Fail(problem, "has a key '" + key + "' starting with 'aws:', which AWS keeps for its own tags (rename it)");
  const auto& ours = FerryTagKeys();
  if (std::find(ours.begin(), ours.end(), key) != ours.end())
    return Fail(problem, "has a key '" + key + "', which ferry sets on every job itself (rename it)");
  if (!TagChars(key, &bad))
    return Fail(problem, "has a key '" + key + "' with '" + bad + "' in it (AWS allows tag keys of " + allowed + ")");
  if (!Scalar(v) || v.is_null()) return Fail(problem, "has a key '" + key + "' whose value is not a single text value");
  std::string text = v.ToString();
  if (Utf8Length(text) > kMaxTagValue)
    return Fail(problem, "has a value of " + std::to_string(Utf8Length(text)) + " characters for key '" + key +
                             "' (AWS allows tag values of at most 256)");
  if (!TagChars(text, &bad))
    return Fail(problem, "has a value '" + text + "' for key '" + key + "' with '" + bad + "' in it (AWS allows " +
                             allowed + " in tag values)");
  return true;
}

bool WholeNumber(const Value& v, int64_t* out) {
  if (v.is_int()) {
    *out = v.as_int();
    return true;
  }
  if (v.is_double()) {
    double d = v.as_double();
    if (d != std::floor(d) || std::fabs(d) > 9e18) return false;
    *out = static_cast<int64_t>(d);
    return true;
  }
  if (!v.is_string()) return false;
  std::string s(Trim(v.as_string()));
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  long long n = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || *end != '\0') return false;
  *out = n;
  return true;
}

bool CheckAcceleratorSetting(const std::string& key, const Value& v, std::string* problem) {
  const auto& keys = AcceleratorKeys();
  if (std::find(keys.begin(), keys.end(), key) == keys.end())
    return Fail(problem, "has an unknown setting '" + key + "'" + DidYouMean(key, keys) +
                             " (settings: " + Join(keys, ", ") + ")");
  if (v.is_null()) return true;
  if (key == "type" ? CheckText(v, problem) : CheckCount(0, "whole number", v, problem)) return true;
  *problem = "setting '" + key + "' " + *problem;
  return false;
}

bool CheckDirectiveValue(const DirectiveSpec& spec, const Value& v, std::string* problem) {
  if (v.is_null()) return true;
  switch (spec.kind) {
    case K::kCount:
      if (!Scalar(v)) return Fail(problem, "must be a whole number, not a " + std::string(v.kind_name()));
      return CheckCount(spec.min, "whole number", v, problem);
    case K::kMemory: {
      int64_t bytes = 0;
      bool ok = v.is_number() ? v.as_int() > 0 : v.is_string() && ParseMemory(v.as_string(), &bytes) && bytes > 0;
      if (ok) return true;
      return Fail(problem, "must be a size like '2 GB', '512 MB' or '1.5 GB', got " + Shown(v));
    }
    case K::kDuration: {
      int64_t ms = 0;
      bool ok = v.is_number() ? v.as_int() > 0 : v.is_string() && ParseDuration(v.as_string(), &ms) && ms > 0;
      if (ok) return true;
      return Fail(problem, "must be a duration like '1h', '30m' or '1h 30m', got " + Shown(v));
    }
    case K::kText:
    case K::kPath: return CheckText(v, problem);
    case K::kChoice: {
      std::string list = Join(spec.choices, ", ");
      if (!v.is_string()) return Fail(problem, "must be one of " + list + ", got " + Shown(v));
      const std::string& s = v.as_string();
      if (std::find(spec.choices.begin(), spec.choices.end(), s) != spec.choices.end()) return true;
      return Fail(problem, "must be one of " + list + ", got '" + s + "'" + DidYouMean(s, spec.choices));
    }
    case K::kLabels: {
      bool ok = v.is_list() ? std::all_of(v.as_list().begin(), v.as_list().end(), Scalar) : !v.is_map();
      if (ok) return true;
      return Fail(problem, "must be a name or a list of names");
    }
    case K::kAccelerator: {
      if (v.is_list()) return Fail(problem, "must be a GPU count or a map {request: N, type: ...}");
      if (!v.is_map()) return CheckCount(spec.min, "number of GPUs", v, problem);
      for (const auto& [k, item] : v.as_map())
        if (!CheckAcceleratorSetting(k, item, problem)) return false;
      if (!v.Find("request")) return Fail(problem, "map needs a 'request' count (write e.g. {request: 1, type: ...})");
      return true;
    }
    case K::kLabelMap: {
      if (!v.is_map()) return Fail(problem, "must be a map of names to values, e.g. {team: genomics}, got " + Shown(v));
      const size_t most = kMaxTags - kFerryTags;
      if (v.as_map().size() > most)
        return Fail(problem, "has " + std::to_string(v.as_map().size()) +
                                 " labels; AWS allows 50 tags a job and ferry " + "sets 3 itself, so at most " +
                                 std::to_string(most));
      for (const auto& [k, item] : v.as_map())
        if (!CheckResourceLabel(k, item, problem)) return false;
      return true;
    }
  }
  return true;
}

}  // namespace ferry::rules
