#include "pipeline/output_pattern.h"

#include <fnmatch.h>

#include <cctype>
#include <vector>

#include "util/text.h"

namespace ferry {

namespace {

bool IsPatternChar(char c) { return c == '*' || c == '?' || c == '['; }

// A bracket's characters: plain ones only, so that fnmatch and every sh
// read it alike and it needs no quoting.
bool IsBracketChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'; }

// Checks the bracket opening at part[i]; sets *end to the index of its ']'.
std::string BracketProblem(std::string_view part, size_t i, size_t* end) {
  size_t j = i + 1;
  if (j < part.size() && (part[j] == '!' || part[j] == '^')) ++j;
  size_t close = part.find(']', j);
  if (close == std::string_view::npos)
    return "has a '[' that is never closed (a bracket lists characters, e.g. 'lane[12].fq'; a file name with a '[' "
           "cannot be an output pattern)";
  if (close == j) return "can never match: its bracket '[]' lists no characters (e.g. 'lane[12].fq')";
  for (size_t k = j; k < close; ++k) {
    if (!IsBracketChar(part[k]))
      return std::string("has '") + part[k] +
             "' inside a bracket; brackets hold letters, digits, '-', '_' and '.' only";
    if (part[k] == '-' && k > j && k + 1 < close && part[k + 1] < part[k - 1])
      return "can never match: the range '" + std::string(part.substr(k - 1, 3)) +
             "' in its bracket runs backwards (write the lower end first, e.g. '[a-z]')";
  }
  *end = close;
  return "";
}

}  // namespace

bool TextHasPattern(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 2, "{{") == 0) {
      size_t close = text.find("}}", i + 2);
      if (close == std::string_view::npos) return false;
      i = close + 1;
      continue;
    }
    if (IsPatternChar(text[i])) return true;
  }
  return false;
}

bool IsPattern(std::string_view path) {
  for (char c : path)
    if (IsPatternChar(c)) return true;
  return false;
}

bool IsFerryFile(std::string_view rel) {
  return rel.compare(0, 9, ".command.") == 0 || rel == ".exitcode" || rel.compare(0, 10, ".exitcode/") == 0;
}

std::string PatternProblem(std::string_view pattern) {
  if (pattern.empty()) return "is empty (name the files to keep, e.g. '*.txt')";
  if (pattern[0] == '/') return "must be relative to the task's work dir, not an absolute path (e.g. 'out/*.txt')";
  if (pattern.find('\\') != std::string_view::npos)
    return "must not hold a backslash (ferry patterns have no escapes; a bracket such as '[*]' is not allowed "
           "either: name such files one by one)";
  if (pattern.find("**") != std::string_view::npos)
    return "has '**', but a pattern does not descend into subdirectories ('**' would match as '*' does): name each "
           "level, e.g. 'out/*/*.txt'";
  std::vector<std::string> parts = Split(pattern, '/');
  for (const std::string& part : parts) {
    if (part.empty())
      return "has an empty path part ('//' or a trailing '/'); a pattern matching directories is written without "
             "the '/', e.g. 'sample_*'";
    if (part == "..") return "must stay inside the task's work dir, so it cannot hold '..'";
    if (part == ".") return "must not hold a './' part (write the pattern relative to the work dir, e.g. '*.txt')";
    for (size_t i = 0; i < part.size(); ++i) {
      if (part[i] != '[') continue;
      size_t end = i;
      std::string why = BracketProblem(part, i, &end);
      if (!why.empty()) return why;
      i = end;
    }
  }
  if (parts[0].compare(0, 9, ".command.") == 0 || parts[0].compare(0, 9, ".exitcode") == 0)
    return "can never match: it names ferry's own files of the work dir (.command.*, .exitcode), which are never "
           "outputs";
  return "";
}

bool MatchesPattern(const std::string& pattern, const std::string& rel) {
  return ::fnmatch(pattern.c_str(), rel.c_str(), FNM_PATHNAME | FNM_PERIOD) == 0;
}

std::string PatternShellWord(std::string_view pattern) {
  std::string out = "./";
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) out += ShellQuote(literal);
    literal.clear();
  };
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '*' || c == '?') {
      flush();
      out += c;
    } else if (c == '[') {
      flush();
      size_t close = pattern.find(']', i + 1);
      // PatternProblem accepted it: a bracket of plain characters.
      std::string bracket(pattern.substr(i, close - i + 1));
      if (bracket.size() > 1 && bracket[1] == '^') bracket[1] = '!';  // sh negates with '!'
      out += bracket;
      i = close;
    } else {
      literal += c;
    }
  }
  flush();
  return out;
}

}  // namespace ferry
