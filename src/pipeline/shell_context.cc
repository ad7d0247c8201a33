#include "pipeline/shell_context.h"

#include "util/text.h"

namespace ferry {

namespace {
bool IsBlank(char c) { return c == ' ' || c == '\t'; }
bool EndsDelimiterWord(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '|' || c == '&' || c == '<' || c == '>' || c == '(' ||
         c == ')';
}
}  // namespace

ShellScanner::ShellScanner() { stack_.push_back({Frame::kTop}); }

bool ShellScanner::InBareFrame() const {
  Frame f = stack_.back().frame;
  return f == Frame::kTop || f == Frame::kSubst || f == Frame::kBacktick;
}

ShellQuoting ShellScanner::quoting() const {
  switch (stack_.back().frame) {
    case Frame::kTop:
    case Frame::kSubst:
    case Frame::kBacktick:
    case Frame::kArith: return ShellQuoting::kBare;
    case Frame::kDouble: return ShellQuoting::kDouble;
    case Frame::kSingle: return ShellQuoting::kSingle;
    case Frame::kDollarSingle: return ShellQuoting::kDollarSingle;
    case Frame::kComment: return ShellQuoting::kComment;
    case Frame::kHeredoc: return ShellQuoting::kHeredoc;
    case Frame::kHeredocQuoted: return ShellQuoting::kHeredocQuoted;
  }
  return ShellQuoting::kBare;
}

int ShellScanner::backtick_depth() const {
  int n = 0;
  for (const auto& s : stack_) n += s.frame == Frame::kBacktick;
  return n;
}

const std::string& ShellScanner::heredoc_delimiter() const {
  static const std::string* empty = new std::string();
  const State& s = stack_.back();
  return s.frame == Frame::kHeredoc || s.frame == Frame::kHeredocQuoted ? s.delimiter : *empty;
}

void ShellScanner::StartHeredocBodies() {
  // Bodies follow one another in the order the operators appeared: push in
  // reverse so the first one is on top.
  for (auto it = pending_.rbegin(); it != pending_.rend(); ++it) {
    State s{it->quoted ? Frame::kHeredocQuoted : Frame::kHeredoc};
    s.delimiter = it->delimiter;
    s.strip_tabs = it->strip_tabs;
    stack_.push_back(std::move(s));
  }
  pending_.clear();
  heredoc_line_.clear();
  line_has_insert_ = false;
}

Status ShellScanner::EndHeredocLine() {
  const State& s = stack_.back();
  std::string_view line = heredoc_line_;
  if (s.strip_tabs) {
    while (!line.empty() && line.front() == '\t') line.remove_prefix(1);
  }
  bool ends = line == s.delimiter;
  bool inserted = line_has_insert_;
  heredoc_line_.clear();
  line_has_insert_ = false;
  if (ends) {
    if (inserted) {
      return Status::Invalid(
          "a value would end the heredoc '" + s.delimiter +
          "' early (a line of the value equals the delimiter); choose a delimiter the data cannot contain");
    }
    stack_.pop_back();
  }
  return Status::Ok();
}

Status ShellScanner::Feed(std::string_view t) {
  for (size_t i = 0; i < t.size();) FERRY_RETURN_IF_ERROR(Step(t, &i));
  return Status::Ok();
}

Status ShellScanner::NoteInserted(std::string_view text) {
  if (reading_delim_) {
    delim_word_ += text;
    return Status::Ok();
  }
  Frame f = stack_.back().frame;
  if (f == Frame::kHeredoc || f == Frame::kHeredocQuoted) {
    for (char c : text) {
      if (c == '\n') {
        line_has_insert_ = true;
        FERRY_RETURN_IF_ERROR(EndHeredocLine());
        if (stack_.back().frame != f) break;  // cannot happen: EndHeredocLine errors first
      } else {
        heredoc_line_ += c;
      }
    }
    line_has_insert_ = true;
    return Status::Ok();
  }
  if (InBareFrame()) word_start_ = false;
  return Status::Ok();
}

bool ShellScanner::OpenSubstitution(std::string_view t, size_t* ip) {
  size_t& i = *ip;
  auto next = [&](size_t k) -> char { return i + k < t.size() ? t[i + k] : '\0'; };
  if (t[i] == '`') {
    stack_.push_back({Frame::kBacktick});
    word_start_ = true;
    ++i;
    return true;
  }
  if (t[i] == '$' && next(1) == '(' && next(2) == '(') {
    stack_.push_back({Frame::kArith});
    i += 3;
    return true;
  }
  if (t[i] == '$' && next(1) == '(') {
    stack_.push_back({Frame::kSubst});
    word_start_ = true;
    i += 2;
    return true;
  }
  return false;
}

Status ShellScanner::Step(std::string_view t, size_t* ip) {
  size_t& i = *ip;
  const char c = t[i];
  auto next = [&](size_t k) -> char { return i + k < t.size() ? t[i + k] : '\0'; };
  State& s = stack_.back();
  const bool in_heredoc = s.frame == Frame::kHeredoc || s.frame == Frame::kHeredocQuoted;

  if (skip_next_) {
    skip_next_ = false;
    if (in_heredoc && c != '\n') heredoc_line_ += c;
    ++i;
    return Status::Ok();
  }

  if (reading_delim_) {
    if (delim_quote_) {
      if (c == delim_quote_) delim_quote_ = 0;
      else delim_word_ += c;
      ++i;
      return Status::Ok();
    }
    if (delim_word_.empty() && !delim_quoted_ && IsBlank(c)) {
      ++i;
      return Status::Ok();
    }
    if (c == '\'' || c == '"') {
      delim_quote_ = c;
      delim_quoted_ = true;
      ++i;
      return Status::Ok();
    }
    if (c == '\\' && i + 1 < t.size()) {
      delim_word_ += t[i + 1];
      delim_quoted_ = true;
      i += 2;
      return Status::Ok();
    }
    if (!EndsDelimiterWord(c)) {
      delim_word_ += c;
      ++i;
      return Status::Ok();
    }
    reading_delim_ = false;
    if (!delim_word_.empty()) pending_.push_back({delim_word_, delim_quoted_, delim_strip_});
    return Status::Ok();  // `c` is handled again in the bare frame
  }

  switch (s.frame) {
    case Frame::kTop:
    case Frame::kSubst:
    case Frame::kBacktick: {
      if (c == '\\') {
        skip_next_ = true;
        word_start_ = false;
        ++i;
        return Status::Ok();
      }
      if (c == '#' && word_start_) {
        stack_.push_back({Frame::kComment});
        ++i;
        return Status::Ok();
      }
      if (c == '\'') {
        stack_.push_back({Frame::kSingle});
        word_start_ = false;
        ++i;
        return Status::Ok();
      }
      if (c == '"') {
        stack_.push_back({Frame::kDouble});
        word_start_ = false;
        ++i;
        return Status::Ok();
      }
      if (c == '$') {
        word_start_ = false;
        if (next(1) == '\'') {
          stack_.push_back({Frame::kDollarSingle});
          i += 2;
          return Status::Ok();
        }
        if (next(1) == '(' && next(2) == '(') {
          stack_.push_back({Frame::kArith});
          i += 3;
          return Status::Ok();
        }
        if (next(1) == '(') {
          stack_.push_back({Frame::kSubst});
          word_start_ = true;
          i += 2;
          return Status::Ok();
        }
        ++i;
        return Status::Ok();
      }
      if (c == '`') {
        if (s.frame == Frame::kBacktick) {
          stack_.pop_back();
          word_start_ = false;
        } else {
          stack_.push_back({Frame::kBacktick});
          word_start_ = true;
        }
        ++i;
        return Status::Ok();
      }
      if (c == '(') {
        if (s.frame == Frame::kSubst) ++s.depth;
        word_start_ = true;
        ++i;
        return Status::Ok();
      }
      if (c == ')') {
        if (s.frame == Frame::kSubst) {
          if (s.depth == 0) {
            stack_.pop_back();
            word_start_ = false;
            ++i;
            return Status::Ok();
          }
          --s.depth;
        }
        word_start_ = true;
        ++i;
        return Status::Ok();
      }
      if (c == '<' && next(1) == '<') {
        if (next(2) == '<') {
          i += 3;
          word_start_ = true;
          return Status::Ok();
        }  // here-string
        i += 2;
        reading_delim_ = true;
        delim_word_.clear();
        delim_quoted_ = false;
        delim_quote_ = 0;
        delim_strip_ = false;
        if (i < t.size() && t[i] == '-') {
          delim_strip_ = true;
          ++i;
        }
        return Status::Ok();
      }
      if (c == '\n') {
        word_start_ = true;
        ++i;
        if (!pending_.empty()) StartHeredocBodies();
        return Status::Ok();
      }
      word_start_ = IsBlank(c) || c == ';' || c == '|' || c == '&' || c == '<' || c == '>';
      ++i;
      return Status::Ok();
    }
    case Frame::kArith:
      if (c == '(') ++s.depth;
      if (c == ')') {
        if (s.depth > 0) --s.depth;
        else if (next(1) == ')') {
          stack_.pop_back();
          i += 2;
          return Status::Ok();
        }
      }
      ++i;
      return Status::Ok();
    case Frame::kDouble:
      if (c == '\\') {
        skip_next_ = true;
        ++i;
        return Status::Ok();
      }
      if (c == '"') {
        stack_.pop_back();
        ++i;
        return Status::Ok();
      }
      if (OpenSubstitution(t, &i)) return Status::Ok();
      ++i;
      return Status::Ok();
    case Frame::kSingle:
      if (c == '\'') stack_.pop_back();
      ++i;
      return Status::Ok();
    case Frame::kDollarSingle:
      if (c == '\\') skip_next_ = true;
      else if (c == '\'') stack_.pop_back();
      ++i;
      return Status::Ok();
    case Frame::kComment:
      if (c == '\n') stack_.pop_back();  // the newline itself is handled by the frame below
      else ++i;
      return Status::Ok();
    case Frame::kHeredoc:
    case Frame::kHeredocQuoted:
      if (c == '\n') {
        ++i;
        return EndHeredocLine();
      }
      if (s.frame == Frame::kHeredoc) {
        if (c == '\\') {
          heredoc_line_ += c;
          skip_next_ = true;
          ++i;
          return Status::Ok();
        }
        if (OpenSubstitution(t, &i)) return Status::Ok();
      }
      heredoc_line_ += c;
      ++i;
      return Status::Ok();
  }
  ++i;
  return Status::Ok();
}

namespace {
void EscapeChars(std::string_view in, std::string_view special, std::string* out) {
  for (char c : in) {
    if (special.find(c) != std::string_view::npos) out->push_back('\\');
    out->push_back(c);
  }
}
}  // namespace

Status QuoteForShell(const std::vector<std::string>& raw_values, bool is_list, ShellValueKind kind,
                     const ShellScanner& at, std::string* out) {
  ShellQuoting q = at.quoting();
  const bool argument = q == ShellQuoting::kBare || q == ShellQuoting::kDouble || q == ShellQuoting::kSingle ||
                        q == ShellQuoting::kDollarSingle;
  std::vector<std::string> dotted;
  if (kind == ShellValueKind::kWorkDirPath && argument) {
    dotted = raw_values;
    for (auto& v : dotted)
      if (!v.empty() && v[0] == '-') v.insert(0, "./");
  }
  const std::vector<std::string>& values = dotted.empty() ? raw_values : dotted;
  std::string joined;
  if (q != ShellQuoting::kBare) {
    for (size_t i = 0; i < values.size(); ++i) {
      if (i) joined += ' ';
      joined += values[i];
    }
  }
  std::string quoted;
  switch (q) {
    case ShellQuoting::kBare:
      if (!is_list) {
        quoted = ShellQuote(values.empty() ? std::string_view() : std::string_view(values[0]));
      } else {
        for (size_t i = 0; i < values.size(); ++i) {
          if (i) quoted += ' ';
          quoted += ShellQuote(values[i]);
        }
      }
      break;
    case ShellQuoting::kDouble: EscapeChars(joined, "\\\"$`", &quoted); break;
    case ShellQuoting::kSingle:
      for (char c : joined) {
        if (c == '\'') quoted += "'\\''";
        else quoted += c;
      }
      break;
    case ShellQuoting::kDollarSingle: EscapeChars(joined, "\\'", &quoted); break;
    case ShellQuoting::kComment:
      // A newline would end the comment and run the rest as code.
      for (char c : joined) quoted += (c == '\n' || c == '\r') ? ' ' : c;
      break;
    case ShellQuoting::kHeredoc: EscapeChars(joined, "\\$`", &quoted); break;
    case ShellQuoting::kHeredocQuoted:
      if (joined.find('\n') != std::string::npos) {
        return Status::Invalid(
            "a value with a newline cannot go into the body of heredoc '" + at.heredoc_delimiter() +
            "', whose delimiter is quoted (nothing there can be escaped); use an unquoted delimiter");
      }
      quoted = std::move(joined);
      break;
  }
  // Inside `...` the shell removes one level of backslashes before \, ` and $
  // before running the inner command, so add one level per backtick.
  for (int d = at.backtick_depth(); d > 0; --d) {
    std::string again;
    EscapeChars(quoted, "\\`$", &again);
    quoted = std::move(again);
  }
  *out += quoted;
  return Status::Ok();
}

}  // namespace ferry
