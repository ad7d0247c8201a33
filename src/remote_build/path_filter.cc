#include "remote_build/path_filter.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "util/text.h"

namespace ferry::remote_build {
namespace {

// Matches a bracket class starting at pattern[pi] == '['; sets *end past ']'.
// Returns false with *end = npos when the class is not closed ('[' is then literal).
bool MatchClass(const std::string& p, size_t pi, char c, size_t* end) {
  size_t i = pi + 1;
  bool negate = i < p.size() && (p[i] == '!' || p[i] == '^');
  if (negate) ++i;
  bool matched = false;
  bool first = true;
  for (; i < p.size() && (first || p[i] != ']'); first = false) {
    char lo = p[i];
    if (lo == '\\' && i + 1 < p.size()) lo = p[++i];
    char hi = lo;
    if (i + 2 < p.size() && p[i + 1] == '-' && p[i + 2] != ']') {
      hi = p[i + 2];
      if (hi == '\\' && i + 3 < p.size()) hi = p[++i + 2];
      i += 2;
    }
    if (lo <= c && c <= hi) matched = true;
    ++i;
  }
  if (i >= p.size()) {
    *end = std::string::npos;
    return false;
  }
  *end = i + 1;
  return matched != negate && c != '/';
}

bool Match(const std::string& p, size_t pi, const std::string& t, size_t ti) {
  while (pi < p.size()) {
    char c = p[pi];
    if (c == '*') {
      bool double_star = pi + 1 < p.size() && p[pi + 1] == '*';
      bool segment = double_star && (pi == 0 || p[pi - 1] == '/') && (pi + 2 == p.size() || p[pi + 2] == '/');
      if (segment) {
        if (pi + 2 == p.size()) return true;  // trailing "**": everything below
        // "**/": zero or more whole segments.
        for (size_t k = ti;;) {
          if (Match(p, pi + 3, t, k)) return true;
          size_t slash = t.find('/', k);
          if (slash == std::string::npos) return false;
          k = slash + 1;
        }
      }
      while (pi < p.size() && p[pi] == '*') ++pi;
      for (size_t k = ti;; ++k) {
        if (Match(p, pi, t, k)) return true;
        if (k >= t.size() || t[k] == '/') return false;
      }
    }
    if (ti >= t.size()) return false;
    if (c == '?') {
      if (t[ti] == '/') return false;
    } else if (c == '[') {
      size_t end;
      bool ok = MatchClass(p, pi, t[ti], &end);
      if (end != std::string::npos) {
        if (!ok) return false;
        pi = end;
        ++ti;
        continue;
      }
      if (t[ti] != '[') return false;
    } else if (c == '\\' && pi + 1 < p.size()) {
      ++pi;
      if (t[ti] != p[pi]) return false;
    } else if (t[ti] != c) {
      return false;
    }
    ++pi;
    ++ti;
  }
  return ti == t.size();
}

}  // namespace

bool GlobMatch(const std::string& pattern, const std::string& text) { return Match(pattern, 0, text, 0); }

bool PathPattern::Matches(const std::string& rel, bool is_dir) const {
  for (size_t end = rel.find('/');; end = rel.find('/', end + 1)) {
    bool last = end == std::string::npos;
    size_t len = last ? rel.size() : end;
    bool candidate_is_dir = !last || is_dir;
    if (!dir_only || candidate_is_dir) {
      std::string candidate = rel.substr(0, len);
      if (!anchored) {
        size_t slash = candidate.rfind('/');
        if (slash != std::string::npos) candidate.erase(0, slash + 1);
      }
      if (GlobMatch(glob, candidate)) return true;
    }
    if (last) return false;
  }
}

bool ParsePathPattern(const std::string& line, PathPattern* out) {
  std::string s = line;
  while (!s.empty() && (s.back() == '\r' || s.back() == '\n')) s.pop_back();
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t') && !(s.size() >= 2 && s[s.size() - 2] == '\\'))
    s.pop_back();
  size_t lead = 0;
  while (lead < s.size() && (s[lead] == ' ' || s[lead] == '\t')) ++lead;
  s.erase(0, lead);
  if (s.empty() || s[0] == '#') return false;
  PathPattern p;
  if (s[0] == '!') {
    p.negated = true;
    s.erase(0, 1);
  } else if (s.size() >= 2 && s[0] == '\\' && (s[1] == '!' || s[1] == '#')) {
    s.erase(0, 1);
  }
  while (!s.empty() && s.back() == '/') {
    p.dir_only = true;
    s.pop_back();
  }
  while (StartsWith(s, "./")) s.erase(0, 2);
  if (!s.empty() && s[0] == '/') {
    p.anchored = true;
    while (!s.empty() && s[0] == '/') s.erase(0, 1);
  } else if (s.find('/') != std::string::npos) {
    p.anchored = true;
  }
  if (s.empty()) return false;
  p.glob = s;
  *out = std::move(p);
  return true;
}

void PathFilter::Add(const std::string& line) {
  PathPattern p;
  if (ParsePathPattern(line, &p)) patterns_.push_back(std::move(p));
}

void PathFilter::AddAll(const std::vector<std::string>& lines) {
  for (const auto& l : lines) Add(l);
}

bool PathFilter::Excluded(const std::string& rel, bool is_dir, bool fallback) const {
  bool excluded = fallback;
  for (const auto& p : patterns_)
    if (p.Matches(rel, is_dir)) excluded = !p.negated;
  return excluded;
}

bool PathFilter::CanPrune(const std::string& dir) const {
  if (!Excluded(dir, true)) return false;
  std::vector<std::string> ds = Split(dir, '/');
  for (const auto& p : patterns_) {
    if (!p.negated) continue;
    if (!p.anchored) return false;
    std::vector<std::string> ps = Split(p.glob, '/');
    bool could_match_below = ps.size() > ds.size();
    for (size_t i = 0; i < ps.size() && i < ds.size(); ++i) {
      if (ps[i] == "**") return false;
      if (!GlobMatch(ps[i], ds[i])) {
        could_match_below = false;
        break;
      }
    }
    if (could_match_below) return false;
  }
  return true;
}

const std::vector<std::string>& DefaultExcludes() {
  static const std::vector<std::string> kExcludes = {".git/",
                                                     "__pycache__/",
                                                     "*.pyc",
                                                     "/.snakemake/",
                                                     "!/.snakemake/log/",
                                                     "!/.snakemake/metadata/",
                                                     "!/.snakemake/storage/"};
  return kExcludes;
}

PathFilter UploadFilter(const std::vector<std::string>& extra) {
  PathFilter f;
  f.AddAll(DefaultExcludes());
  f.AddAll(extra);
  return f;
}

DownloadSelection::DownloadSelection(const std::vector<std::string>& patterns,
                                     const std::vector<std::string>& exclude) {
  defaults_.AddAll(DefaultExcludes());
  chosen_.AddAll(patterns);
  for (const auto& p : chosen_.patterns())
    if (!p.negated) everything_ = false;
  for (const auto& x : exclude) chosen_.Add("!" + x);
}

bool DownloadSelection::Selected(const std::string& rel) const {
  if (defaults_.Excluded(rel, false)) return false;
  bool selected = everything_;
  for (const auto& p : chosen_.patterns())
    if (p.Matches(rel, false)) selected = !p.negated;
  return selected;
}

Status ReadFerryIgnore(const std::string& dir, std::vector<std::string>* lines) {
  lines->clear();
  std::string path = dir + "/.ferryignore";
  std::ifstream in(path);
  if (!in) {
    if (errno == ENOENT) return Status::Ok();
    return Status::Invalid("cannot read " + path + ": " + std::strerror(errno));
  }
  std::string line;
  while (std::getline(in, line)) lines->push_back(line);
  if (in.bad()) return Status::Invalid("cannot read " + path + ": " + std::strerror(errno));
  return Status::Ok();
}

std::vector<std::string> AwsSyncFilterArgs(const std::vector<std::string>& extra) {
  std::vector<std::string> lines = DefaultExcludes();
  lines.insert(lines.end(), extra.begin(), extra.end());
  std::vector<std::string> args;
  for (const auto& line : lines) {
    PathPattern p;
    if (!ParsePathPattern(line, &p)) continue;
    std::string glob = p.glob;
    bool anchored = p.anchored;
    if (StartsWith(glob, "**/") && glob.find('/', 3) == std::string::npos) {
      glob.erase(0, 3);  // "**/name" is "name" at any depth
      anchored = false;
    }
    for (size_t at; (at = glob.find("**")) != std::string::npos;) glob.erase(at, 1);
    std::vector<std::string> forms;
    if (!p.dir_only) forms.push_back(glob);
    forms.push_back(glob + "/*");
    if (!anchored && glob[0] != '*') {  // a leading '*' already crosses directories
      size_t n = forms.size();
      for (size_t i = 0; i < n; ++i) forms.push_back("*/" + forms[i]);
    }
    for (auto& f : forms) {
      args.push_back(p.negated ? "--include" : "--exclude");
      args.push_back(std::move(f));
    }
  }
  return args;
}

}  // namespace ferry::remote_build
