// ShellScanner: follows a bash script as it is written, so a template value can
// be quoted for the exact place its {{ }} stands (bare word, "...", '...',
// $'...', comment, heredoc body, `...`). This is what keeps file names like
// it's $(rm -rf ~).txt inert. Hand-written: no library tokenizes shell
// incrementally; it only tracks quoting, not full shell grammar.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace ferry {

enum class ShellQuoting {
  kBare,           // outside quotes (also inside $(...) and `...`)
  kDouble,         // inside "..."
  kSingle,         // inside '...'
  kDollarSingle,   // inside $'...'
  kComment,        // after # up to the end of the line
  kHeredoc,        // body of a heredoc with an unquoted delimiter
  kHeredocQuoted,  // body of a heredoc with a quoted delimiter: no expansion at all
};

class ShellScanner {
 public:
  ShellScanner();
  // Script text written by the user (or raw() output): updates the state.
  // Errors only when a line that holds inserted text would end a heredoc.
  Status Feed(std::string_view text);
  // Text ferry inserted for a value (already quoted). Returns an error if it
  // would end a heredoc early.
  Status NoteInserted(std::string_view text);

  ShellQuoting quoting() const;
  // Number of `...` levels around the current position: each one needs its
  // own round of backslash escaping.
  int backtick_depth() const;
  // The delimiter of the heredoc whose body we are in, if any.
  const std::string& heredoc_delimiter() const;

 private:
  enum class Frame {
    kTop,
    kSubst,
    kBacktick,
    kArith,
    kDouble,
    kSingle,
    kDollarSingle,
    kComment,
    kHeredoc,
    kHeredocQuoted
  };
  struct State {
    State(Frame f) : frame(f) {}  // NOLINT(google-explicit-constructor)
    Frame frame;
    int depth = 0;            // parentheses inside $( ) / $(( ))
    std::string delimiter;    // heredoc frames
    bool strip_tabs = false;  // <<-
  };
  struct PendingHeredoc {
    std::string delimiter;
    bool quoted = false;
    bool strip_tabs = false;
  };

  Status Step(std::string_view text, size_t* i);
  // Inside double quotes and unquoted heredoc bodies the only frames that
  // open are `...`, $((...)) and $(...): opens the one starting at text[*i]
  // and moves *i past its opening, or returns false when none starts there.
  bool OpenSubstitution(std::string_view text, size_t* i);
  Status EndHeredocLine();
  void StartHeredocBodies();
  bool InBareFrame() const;

  std::vector<State> stack_;
  std::vector<PendingHeredoc> pending_;
  bool word_start_ = true;
  bool skip_next_ = false;    // after a backslash
  std::string heredoc_line_;  // current line of a heredoc body
  bool line_has_insert_ = false;
  // A "<<" was seen and its delimiter word is being read.
  bool reading_delim_ = false;
  std::string delim_word_;
  bool delim_quoted_ = false;
  bool delim_strip_ = false;
  char delim_quote_ = 0;
};

// What a value stands for, which decides one more rule than quoting.
enum class ShellValueKind {
  kText,
  // A path relative to the task's work dir (input.x, output.x): one that
  // starts with '-' is written ./-name in command words, so `cat -rf.txt`
  // cannot be read as options. Comments and heredoc bodies (data, not
  // arguments) keep the name as it is.
  kWorkDirPath,
};

// Quotes `values` for the position `at` is in. A list (`is_list`) in a bare
// position becomes one shell word per element; elsewhere the elements are
// joined with spaces. Errors for values that cannot be placed safely (a
// newline in a quoted heredoc).
Status QuoteForShell(const std::vector<std::string>& values, bool is_list, ShellValueKind kind, const ShellScanner& at,
                     std::string* out);

}  // namespace ferry
