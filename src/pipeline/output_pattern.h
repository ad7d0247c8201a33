// Output patterns: an output such as "*.bam" or "chunks/part_*.txt" names
// whatever files the script leaves that match it, known only once the task
// ends. This file holds the one rule of what a pattern is (`*`, `?` and
// `[...]` written in the output's text), what may be in one (a relative path
// inside the work dir, brackets of plain characters, no `**`), how a path
// matches one (fnmatch with FNM_PATHNAME | FNM_PERIOD: `*` never crosses a
// `/` nor matches a leading dot), and how one is written as a POSIX sh word
// for a Batch job to glob. Pure: no file access.
#pragma once

#include <string>
#include <string_view>

namespace ferry {

// True when `text` has a pattern character outside {{ }} templates.
bool TextHasPattern(std::string_view text);
// True when a rendered path has a pattern character.
bool IsPattern(std::string_view path);

// "" if `pattern` (rendered) is usable; else why not, as the tail of a
// sentence ("must not ...", "can never match ...") with how to fix it.
std::string PatternProblem(std::string_view pattern);

// Whether the relative path `rel` matches `pattern` (both '/'-separated).
bool MatchesPattern(const std::string& pattern, const std::string& rel);

// The pattern as one sh word that globs in the current dir, "./" first (a
// match can never be taken for an option): literal runs single-quoted,
// `*`, `?` and brackets left bare. Only for patterns PatternProblem accepts.
std::string PatternShellWord(std::string_view pattern);

// Names ferry itself keeps in a work dir (.command.*, .exitcode), which no
// pattern ever yields.
bool IsFerryFile(std::string_view rel);

}  // namespace ferry
