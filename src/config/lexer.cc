#include "config/lexer.h"

#include <cctype>
#include <optional>

#include "config/string_escapes.h"

namespace ferry::config {

namespace {

bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '$'; }
bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; }
bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

class Lexer {
 public:
  Lexer(std::string_view text, const SourceLoc& start)
      : s_(text), file_(start.file), line_(start.line > 0 ? start.line : 1), col_(start.col > 0 ? start.col : 1) {}

  Status Run(std::vector<Token>* out) {
    bool space = false;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
        Advance();
        space = true;
        continue;
      }
      if (c == '\\' && Peek(1) == '\n') {  // explicit line continuation
        Advance();
        Advance();
        space = true;
        continue;
      }
      if (c == '/' && Peek(1) == '/') {
        while (pos_ < s_.size() && s_[pos_] != '\n') Advance();
        space = true;
        continue;
      }
      if (c == '#' && Peek(1) == '!' && pos_ == 0) {  // shebang line
        while (pos_ < s_.size() && s_[pos_] != '\n') Advance();
        continue;
      }
      if (c == '/' && Peek(1) == '*') {
        SourceLoc open = Loc();
        Advance();
        Advance();
        bool closed = false;
        while (pos_ < s_.size()) {
          if (s_[pos_] == '*' && Peek(1) == '/') {
            Advance();
            Advance();
            closed = true;
            break;
          }
          Advance();
        }
        if (!closed)
          return Status::Invalid(open.ToString() +
                                 ": comment opened here with '/*' is never closed (add '*/' where it should end)");
        space = true;
        continue;
      }
      Token t;
      t.loc = Loc();
      t.space_before = space;
      space = false;
      if (c == '\n') {
        t.kind = Tok::kNewline;
        t.text = "\n";
        Advance();
      } else if (c == '\'' || c == '"') {
        FERRY_RETURN_IF_ERROR(LexString(&t));
      } else if (IsDigit(c)) {
        FERRY_RETURN_IF_ERROR(LexNumber(&t));
      } else if (IsIdentStart(c)) {
        t.kind = Tok::kIdent;
        while (pos_ < s_.size() && IsIdentChar(s_[pos_])) {
          t.text += s_[pos_];
          Advance();
        }
      } else {
        switch (c) {
          case '{': t.kind = Tok::kLBrace; break;
          case '}': t.kind = Tok::kRBrace; break;
          case '[': t.kind = Tok::kLBracket; break;
          case ']': t.kind = Tok::kRBracket; break;
          case '(': t.kind = Tok::kLParen; break;
          case ')': t.kind = Tok::kRParen; break;
          case ',': t.kind = Tok::kComma; break;
          case ':': t.kind = Tok::kColon; break;
          case '=': t.kind = Tok::kAssign; break;
          case '.': t.kind = Tok::kDot; break;
          case '+': t.kind = Tok::kPlus; break;
          case '-': t.kind = Tok::kMinus; break;
          case '*': t.kind = Tok::kStar; break;
          case '/': t.kind = Tok::kSlash; break;
          case ';': t.kind = Tok::kSemicolon; break;
          default: {
            std::string shown = std::isprint(static_cast<unsigned char>(c)) ? std::string(1, c) : "\\x" + Hex(c);
            return Status::Invalid(t.loc.ToString() + ": unexpected character '" + shown +
                                   "' (the config language has no such operator; quote text meant as a string)");
          }
        }
        if (c == '=' && Peek(1) == '=')
          return Status::Invalid(t.loc.ToString() +
                                 ": '==' comparisons are not supported in ferry config (use '=' to assign)");
        t.text = std::string(1, c);
        Advance();
      }
      out->push_back(std::move(t));
    }
    Token eof;
    eof.kind = Tok::kEof;
    eof.loc = Loc();
    eof.space_before = space;
    out->push_back(std::move(eof));
    return Status::Ok();
  }

 private:
  static std::string Hex(char c) {
    static const char* d = "0123456789abcdef";
    unsigned char u = static_cast<unsigned char>(c);
    return std::string{d[u >> 4], d[u & 15]};
  }
  char Peek(size_t ahead) const { return pos_ + ahead < s_.size() ? s_[pos_ + ahead] : '\0'; }
  SourceLoc Loc() const { return SourceLoc{file_, line_, col_}; }
  void Advance() {
    if (s_[pos_] == '\n') {
      ++line_;
      col_ = 1;
    } else {
      ++col_;
    }
    ++pos_;
  }

  Status LexNumber(Token* t) {
    t->kind = Tok::kNumber;
    auto digits = [&] {
      while (pos_ < s_.size() && (IsDigit(s_[pos_]) || s_[pos_] == '_')) {
        t->text += s_[pos_];
        Advance();
      }
    };
    digits();
    // A '.' continues the number only when a digit follows: "2.GB" is the
    // number 2 followed by a unit.
    if (pos_ < s_.size() && s_[pos_] == '.' && IsDigit(Peek(1))) {
      t->text += '.';
      Advance();
      digits();
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E') &&
        (IsDigit(Peek(1)) || ((Peek(1) == '+' || Peek(1) == '-') && IsDigit(Peek(2))))) {
      t->text += s_[pos_];
      Advance();
      if (s_[pos_] == '+' || s_[pos_] == '-') {
        t->text += s_[pos_];
        Advance();
      }
      digits();
    }
    bool bad = t->text.back() == '_';
    // Groovy's type suffixes (10L, 1.5d) carry no meaning here; accept them.
    if (pos_ < s_.size() && std::string_view("lLdDfFgGiI").find(s_[pos_]) != std::string_view::npos &&
        !IsIdentChar(Peek(1))) {
      Advance();
    }
    if (pos_ < s_.size() && (IsIdentChar(s_[pos_]) || (s_[pos_] == '.' && IsDigit(Peek(1))))) {
      bad = true;
    }
    if (bad) {
      std::string shown = t->text;
      while (pos_ < s_.size() && (IsIdentChar(s_[pos_]) || s_[pos_] == '.')) {
        shown += s_[pos_];
        Advance();
      }
      return Status::Invalid(t->loc.ToString() + ": malformed number '" + shown +
                             "' (write a plain number like 4 or 1.5, a unit like 2.GB, or quote it as a string)");
    }
    return Status::Ok();
  }

  // Finds the end of "${...}" starting after "${"; counts nested braces and
  // skips quoted strings inside the expression.
  bool FindInterpEnd(size_t from, size_t* end) const {
    int depth = 1;
    for (size_t i = from; i < s_.size(); ++i) {
      char c = s_[i];
      if (c == '\n') return false;
      if (c == '\'' || c == '"') {
        char q = c;
        for (++i; i < s_.size() && s_[i] != q; ++i) {
          if (s_[i] == '\\') ++i;
          if (i < s_.size() && s_[i] == '\n') return false;
        }
        continue;
      }
      if (c == '{') ++depth;
      if (c == '}' && --depth == 0) {
        *end = i;
        return true;
      }
    }
    return false;
  }

  Status LexString(Token* t) {
    t->kind = Tok::kString;
    char q = s_[pos_];
    bool triple = Peek(1) == q && Peek(2) == q;
    bool interpolate = q == '"';
    SourceLoc open = Loc();
    Advance();
    if (triple) {
      Advance();
      Advance();
    }
    std::string lit;
    SourceLoc lit_loc = Loc();
    auto flush = [&] {
      if (!lit.empty()) t->parts.push_back(StringPart{false, lit, lit_loc});
      lit.clear();
    };
    const char* qname = q == '\'' ? (triple ? "'''" : "'") : (triple ? "\"\"\"" : "\"");
    auto unterminated = [&] {
      return Status::Invalid(open.ToString() + ": string opened here is never closed (add the closing " +
                             std::string(qname) + (triple ? "" : " on the same line") + ")");
    };
    for (;;) {
      if (pos_ >= s_.size()) return unterminated();
      char c = s_[pos_];
      if (c == q && (!triple || (Peek(1) == q && Peek(2) == q))) {
        Advance();
        if (triple) {
          Advance();
          Advance();
        }
        break;
      }
      if (c == '\n' && !triple) return unterminated();
      if (c == '\\') {
        SourceLoc esc = Loc();
        char n = Peek(1);
        Advance();
        if (pos_ >= s_.size()) return unterminated();
        Advance();
        if (std::optional<char> v = ControlEscapeValue(n)) lit += *v;
        else if (n == '\\' || n == '\'' || n == '"' || n == '$') lit += n;
        else if (n != '\n')  // a backslash-newline continues the line inside a string
          return Status::Invalid(esc.ToString() + ": unknown escape '\\" + std::string(1, n) +
                                 "' in string (write '\\\\' for a backslash)");
        continue;
      }
      if (interpolate && c == '$' && Peek(1) == '{') {
        flush();
        SourceLoc dollar = Loc();
        size_t end;
        if (!FindInterpEnd(pos_ + 2, &end))
          return Status::Invalid(dollar.ToString() + ": '${' opened here is never closed (add '}')");
        Advance();
        Advance();
        SourceLoc expr_loc = Loc();
        std::string src(s_.substr(pos_, end - pos_));
        while (pos_ <= end) Advance();
        if (Trim(src).empty())
          return Status::Invalid(dollar.ToString() +
                                 ": empty '${}' in string (put an expression inside, e.g. ${params.x})");
        t->parts.push_back(StringPart{true, src, expr_loc});
        lit_loc = Loc();
        continue;
      }
      if (interpolate && c == '$' && IsIdentStart(Peek(1)) && Peek(1) != '$') {
        // Groovy's "$name" and "$a.b.c" shorthand.
        flush();
        SourceLoc expr_loc = Loc();
        expr_loc.col += 1;
        Advance();
        std::string src;
        for (;;) {
          while (pos_ < s_.size() && IsIdentChar(s_[pos_]) && s_[pos_] != '$') {
            src += s_[pos_];
            Advance();
          }
          if (pos_ < s_.size() && s_[pos_] == '.' && IsIdentStart(Peek(1)) && Peek(1) != '$') {
            src += '.';
            Advance();
            continue;
          }
          break;
        }
        t->parts.push_back(StringPart{true, src, expr_loc});
        lit_loc = Loc();
        continue;
      }
      if (lit.empty()) lit_loc = Loc();
      lit += c;
      Advance();
    }
    flush();
    return Status::Ok();
  }

  static std::string_view Trim(std::string_view v) {
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.remove_suffix(1);
    return v;
  }

  std::string_view s_;
  std::string file_;
  int line_;
  int col_;
  size_t pos_ = 0;
};

}  // namespace

std::string Describe(const Token& t) {
  switch (t.kind) {
    case Tok::kIdent: return "'" + t.text + "'";
    case Tok::kString: return "a string";
    case Tok::kNumber: return "number " + t.text;
    case Tok::kNewline: return "end of line";
    case Tok::kEof: return "end of file";
    default: return "'" + t.text + "'";
  }
}

Status Lex(std::string_view text, const SourceLoc& start, std::vector<Token>* out) {
  out->clear();
  // Editors on some systems start UTF-8 files with a byte-order mark.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  return Lexer(text, start).Run(out);
}

}  // namespace ferry::config
