#include "config/parser.h"

#include <cerrno>
#include <cstdlib>
#include <utility>

#include "config/lexer.h"
#include "util/text.h"

namespace ferry::config {

namespace {

const char kClosureHint[] =
    "closures { ... } are not supported in ferry config; write a template string that ferry "
    "evaluates per task instead, e.g. memory = '{{ 2 * task.attempt }} GB'";

// Canonical spelling of a unit written after a number (2.GB, 30.min), and
// whether it is a memory unit (stored as "2 GB") or a duration ("30m").
bool UnitSpelling(const std::string& unit, std::string* canon, bool* memory) {
  std::string u = ToLower(unit);
  *memory = true;
  if (u == "b" || u == "kb" || u == "mb" || u == "gb" || u == "tb" || u == "pb") {
    *canon = unit;
    for (char& c : *canon) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return true;
  }
  *memory = false;
  if (unit == "ms" || unit == "milli" || unit == "millis") *canon = "ms";
  else if (unit == "s" || unit == "sec" || unit == "second" || unit == "seconds") *canon = "s";
  else if (unit == "m" || unit == "min" || unit == "mins" || unit == "minute" || unit == "minutes") *canon = "m";
  else if (unit == "h" || unit == "hour" || unit == "hours") *canon = "h";
  else if (unit == "d" || unit == "day" || unit == "days") *canon = "d";
  else return false;
  return true;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> toks) : t_(std::move(toks)) {}

  Status File(std::vector<Stmt>* out) { return Body(nullptr, "", out); }

  Status WholeExpression(Expr* out) {
    FERRY_RETURN_IF_ERROR(Expression(out));
    if (Cur().kind != Tok::kEof) return Err(Cur(), "unexpected " + Describe(Cur()) + " in expression");
    return Status::Ok();
  }

 private:
  const Token& Cur() const { return t_[i_]; }
  const Token& Next(size_t k = 1) const { return t_[std::min(i_ + k, t_.size() - 1)]; }
  bool At(Tok k) const { return Cur().kind == k; }
  void Bump() {
    if (i_ + 1 < t_.size()) ++i_;
  }
  void SkipNewlines() {
    while (At(Tok::kNewline)) Bump();
  }
  static Status Err(const Token& t, const std::string& what) { return Status::Invalid(t.loc.ToString() + ": " + what); }
  static bool PlainString(const Token& t) {
    return t.kind == Tok::kString && (t.parts.empty() || (t.parts.size() == 1 && !t.parts[0].is_expr));
  }
  static std::string StringText(const Token& t) { return t.parts.empty() ? "" : t.parts[0].text; }

  // Statements until '}' (when `open` is a block's '{') or end of file.
  Status Body(const Token* open, const std::string& what, std::vector<Stmt>* out) {
    Deeper guard(this);
    if (depth_ > kMaxDepth) return Err(Cur(), "blocks nested too deeply (more than 200 levels)");
    for (;;) {
      while (At(Tok::kNewline) || At(Tok::kSemicolon)) Bump();
      if (At(Tok::kEof)) {
        if (open) return Err(*open, what + " opened here is never closed (add a closing '}')");
        return Status::Ok();
      }
      if (At(Tok::kRBrace)) {
        if (!open) return Err(Cur(), "unexpected '}' (no block is open here; remove it)");
        Bump();
        return Status::Ok();
      }
      Stmt st;
      FERRY_RETURN_IF_ERROR(Statement(&st));
      out->push_back(std::move(st));
      if (!At(Tok::kNewline) && !At(Tok::kSemicolon) && !At(Tok::kRBrace) && !At(Tok::kEof))
        return Err(Cur(),
                   "unexpected " + Describe(Cur()) + " after a complete setting (put each setting on its own line)");
    }
  }

  Status Statement(Stmt* st) {
    const Token& first = Cur();
    st->loc = first.loc;
    if (first.kind == Tok::kIdent) {
      if (first.text == "includeConfig" && Next().kind != Tok::kAssign && Next().kind != Tok::kDot) {
        st->kind = Stmt::Kind::kInclude;
        Bump();
        if (At(Tok::kNewline) || At(Tok::kEof) || At(Tok::kRBrace) || At(Tok::kSemicolon))
          return Err(first, "includeConfig needs a file name (e.g. includeConfig 'conf/base.config')");
        return Expression(&st->value);
      }
      if (first.text == "profiles" && Next().kind == Tok::kLBrace) {
        st->kind = Stmt::Kind::kProfiles;
        Bump();
        return Profiles(st);
      }
      if (Next().kind == Tok::kColon) {
        if (first.text != "withLabel" && first.text != "withName")
          return Err(first, "unknown process selector '" + first.text + ":'" +
                                DidYouMean(first.text, {"withLabel", "withName"}) +
                                " (selectors are withLabel: and withName:)");
        return Selector(st);
      }
    } else if (!PlainString(first)) {
      if (first.kind == Tok::kLBrace) return Err(first, std::string(kClosureHint));
      return Err(first, "unexpected " + Describe(first) + " (expected a setting name)");
    }
    // path: name ('.' name)*
    for (;;) {
      if (Cur().kind == Tok::kIdent) {
        st->path.push_back(Cur().text);
      } else if (PlainString(Cur())) {
        st->path.push_back(StringText(Cur()));
      } else {
        return Err(Cur(), "expected a setting name after '.', found " + Describe(Cur()));
      }
      st->path_locs.push_back(Cur().loc);
      Bump();
      if (!At(Tok::kDot)) break;
      Bump();
    }
    std::string name = Join(st->path, ".");
    if (At(Tok::kAssign)) {
      Token eq = Cur();
      Bump();
      SkipNewlines();
      if (At(Tok::kEof) || At(Tok::kRBrace) || At(Tok::kSemicolon))
        return Err(eq, "missing value after '" + name + " =' (write e.g. " + name + " = 'text')");
      st->kind = Stmt::Kind::kAssign;
      return Expression(&st->value);
    }
    if (At(Tok::kLBrace)) {
      Token open = Cur();
      Bump();
      st->kind = Stmt::Kind::kBlock;
      return Body(&open, "block '" + name + "'", &st->body);
    }
    if (StartsValue(Cur())) {
      // Groovy's command form `id 'nf-amazon'`.
      st->kind = Stmt::Kind::kAssign;
      st->command_form = true;
      return Expression(&st->value);
    }
    if (At(Tok::kNewline) || At(Tok::kEof) || At(Tok::kRBrace) || At(Tok::kSemicolon))
      return Err(Cur(), "missing value for '" + name + "' (write " + name + " = value, or " + name + " { ... })");
    return Err(Cur(), "unexpected " + Describe(Cur()) + " after '" + name + "' (expected '=' or '{')");
  }

  static bool StartsValue(const Token& t) {
    return t.kind == Tok::kString || t.kind == Tok::kNumber || t.kind == Tok::kLBracket || t.kind == Tok::kIdent ||
           t.kind == Tok::kMinus || t.kind == Tok::kLParen;
  }

  Status Selector(Stmt* st) {
    const Token& kw = Cur();
    st->kind = Stmt::Kind::kSelector;
    st->selector = kw.text;
    Bump();  // keyword
    Bump();  // ':'
    if (Cur().kind == Tok::kIdent) {
      st->pattern = Cur().text;
    } else if (PlainString(Cur())) {
      st->pattern = StringText(Cur());
    } else {
      return Err(Cur(), "expected a name or quoted pattern after '" + st->selector + ":', found " + Describe(Cur()) +
                            " (e.g. " + st->selector + ": 'bigTask' { ... })");
    }
    if (st->pattern.empty()) return Err(Cur(), "empty " + st->selector + " pattern (name a label or task)");
    Bump();
    if (!At(Tok::kLBrace))
      return Err(Cur(), "expected '{' after '" + st->selector + ": " + st->pattern + "', found " + Describe(Cur()));
    Token open = Cur();
    Bump();
    return Body(&open, st->selector + " block", &st->body);
  }

  Status Profiles(Stmt* st) {
    Token open = Cur();
    Bump();
    for (;;) {
      while (At(Tok::kNewline) || At(Tok::kSemicolon)) Bump();
      if (At(Tok::kEof)) return Err(open, "profiles block opened here is never closed (add a closing '}')");
      if (At(Tok::kRBrace)) {
        Bump();
        return Status::Ok();
      }
      Profile p;
      p.loc = Cur().loc;
      if (At(Tok::kIdent)) {
        p.name = Cur().text;
      } else if (PlainString(Cur())) {
        p.name = StringText(Cur());
      } else {
        return Err(Cur(), "expected a profile name in profiles { }, found " + Describe(Cur()) +
                              " (write profiles { name { ... } })");
      }
      Bump();
      if (!At(Tok::kLBrace))
        return Err(Cur(), "expected '{' after profile name '" + p.name + "', found " + Describe(Cur()) +
                              " (profiles only hold named blocks: " + p.name + " { ... })");
      Token popen = Cur();
      Bump();
      FERRY_RETURN_IF_ERROR(Body(&popen, "profile '" + p.name + "'", &p.body));
      st->profiles.push_back(std::move(p));
    }
  }

  Status Expression(Expr* out) { return Binary(0, out); }

  // Left-associative binary operators by precedence: level 0 is + and -,
  // level 1 is * and /, whose operands are unary expressions.
  Status Binary(int level, Expr* out) {
    auto operand = [&](Expr* e) { return level == 0 ? Binary(1, e) : Unary(e); };
    auto at_operator = [&] {
      return level == 0 ? At(Tok::kPlus) || At(Tok::kMinus) : At(Tok::kStar) || At(Tok::kSlash);
    };
    Expr lhs;
    FERRY_RETURN_IF_ERROR(operand(&lhs));
    while (at_operator()) {
      Expr bin;
      bin.kind = Expr::Kind::kBinary;
      bin.loc = Cur().loc;
      bin.op = Cur().text[0];
      Bump();
      SkipNewlines();
      Expr rhs;
      FERRY_RETURN_IF_ERROR(operand(&rhs));
      bin.items.push_back(std::move(lhs));
      bin.items.push_back(std::move(rhs));
      lhs = std::move(bin);
    }
    *out = std::move(lhs);
    return Status::Ok();
  }

  Status Unary(Expr* out) {
    Deeper guard(this);
    if (depth_ > kMaxDepth) return Err(Cur(), "expression nested too deeply (more than 200 levels)");
    if (At(Tok::kMinus)) {
      out->kind = Expr::Kind::kNeg;
      out->loc = Cur().loc;
      Bump();
      Expr inner;
      FERRY_RETURN_IF_ERROR(Unary(&inner));
      out->items.push_back(std::move(inner));
      return Status::Ok();
    }
    return Primary(out);
  }

  Status Number(Expr* out) {
    const Token& t = Cur();
    out->kind = Expr::Kind::kLiteral;
    out->loc = t.loc;
    std::string digits;
    bool is_double = false;
    for (char c : t.text) {
      if (c == '_') continue;
      if (c == '.' || c == 'e' || c == 'E') is_double = true;
      digits += c;
    }
    Bump();
    // 2.GB, 30.min: a unit right after the number, no spaces.
    if (At(Tok::kDot) && !Cur().space_before && Next().kind == Tok::kIdent && !Next().space_before) {
      const Token& unit = Next();
      std::string canon;
      bool memory;
      if (!UnitSpelling(unit.text, &canon, &memory))
        return Err(unit, "unknown unit '" + unit.text + "' after " + digits +
                             " (memory: B, KB, MB, GB, TB; time: ms, s, m, h, d, e.g. 2.GB or 30.min)");
      out->literal = Value(memory ? digits + " " + canon : digits + canon);
      Bump();
      Bump();
      return Status::Ok();
    }
    errno = 0;
    if (is_double) {
      out->literal = Value(std::strtod(digits.c_str(), nullptr));
    } else {
      long long v = std::strtoll(digits.c_str(), nullptr, 10);
      if (errno == ERANGE) return Err(t, "number " + t.text + " is too large (the largest is 9223372036854775807)");
      out->literal = Value(static_cast<int64_t>(v));
    }
    return Status::Ok();
  }

  Status StringExpr(Expr* out) {
    const Token& t = Cur();
    out->loc = t.loc;
    if (PlainString(t)) {
      out->kind = Expr::Kind::kLiteral;
      out->literal = Value(StringText(t));
      Bump();
      return Status::Ok();
    }
    out->kind = Expr::Kind::kInterp;
    for (const auto& part : t.parts) {
      Expr e;
      if (part.is_expr) {
        FERRY_RETURN_IF_ERROR(ParseExpression(part.text, part.loc, &e));
      } else {
        e.kind = Expr::Kind::kLiteral;
        e.loc = part.loc;
        e.literal = Value(part.text);
      }
      out->items.push_back(std::move(e));
    }
    Bump();
    return Status::Ok();
  }

  Status Primary(Expr* out) {
    const Token& t = Cur();
    switch (t.kind) {
      case Tok::kNumber: return Number(out);
      case Tok::kString: return StringExpr(out);
      case Tok::kLBracket: return ListOrMap(out);
      case Tok::kLBrace: return Err(t, kClosureHint);
      case Tok::kLParen: {
        Token open = t;
        Bump();
        SkipNewlines();
        FERRY_RETURN_IF_ERROR(Expression(out));
        SkipNewlines();
        if (!At(Tok::kRParen)) {
          if (At(Tok::kEof)) return Err(open, "'(' opened here is never closed (add ')')");
          return Err(Cur(), "expected ')' but found " + Describe(Cur()));
        }
        Bump();
        return Status::Ok();
      }
      case Tok::kIdent: {
        out->loc = t.loc;
        if (t.text == "true" || t.text == "false" || t.text == "null") {
          out->kind = Expr::Kind::kLiteral;
          out->literal = t.text == "null" ? Value() : Value(t.text == "true");
          Bump();
          return Status::Ok();
        }
        out->kind = Expr::Kind::kRef;
        out->path.push_back(t.text);
        Bump();
        while (At(Tok::kDot) && Next().kind == Tok::kIdent) {
          Bump();
          out->path.push_back(Cur().text);
          Bump();
        }
        if (At(Tok::kLParen) || At(Tok::kLBrace))
          return Err(Cur(), "method calls are not supported in ferry config ('" + Join(out->path, ".") +
                                "(...)'); write the value itself, or a '{{ }}' template string for per-task values");
        if (At(Tok::kDot)) return Err(Cur(), "expected a name after '.' in '" + Join(out->path, ".") + ".'");
        return Status::Ok();
      }
      case Tok::kNewline:
      case Tok::kEof:
      case Tok::kRBrace:
      case Tok::kRBracket:
      case Tok::kRParen:
      case Tok::kComma:
      case Tok::kSemicolon: return Err(t, "missing value before " + Describe(t));
      default: return Err(t, "unexpected " + Describe(t) + " where a value was expected");
    }
  }

  Status ListOrMap(Expr* out) {
    Token open = Cur();
    out->loc = open.loc;
    Bump();
    SkipNewlines();
    out->kind = Expr::Kind::kList;
    if (At(Tok::kColon) && Next().kind == Tok::kRBracket) {  // [:]
      out->kind = Expr::Kind::kMap;
      Bump();
      Bump();
      return Status::Ok();
    }
    bool is_map = (At(Tok::kIdent) || PlainString(Cur()) || At(Tok::kNumber)) && Next().kind == Tok::kColon;
    if (is_map) out->kind = Expr::Kind::kMap;
    const char* what = is_map ? "map" : "list";
    for (;;) {
      SkipNewlines();
      if (At(Tok::kRBracket)) {
        Bump();
        return Status::Ok();
      }
      if (At(Tok::kEof)) return Err(open, std::string(what) + " opened here with '[' is never closed (add ']')");
      if (is_map) {
        std::string key;
        if (At(Tok::kIdent) || At(Tok::kNumber)) key = Cur().text;
        else if (PlainString(Cur())) key = StringText(Cur());
        else return Err(Cur(), "expected a map key (name: value), found " + Describe(Cur()));
        Token key_tok = Cur();
        Bump();
        if (!At(Tok::kColon))
          return Err(Cur(), "expected ':' after map key '" + key + "', found " + Describe(Cur()) +
                                " (a map is written [key: value, ...])");
        Bump();
        SkipNewlines();
        if (At(Tok::kComma) || At(Tok::kRBracket)) return Err(Cur(), "missing value for map key '" + key + "'");
        out->keys.push_back(key);
      }
      Expr item;
      FERRY_RETURN_IF_ERROR(Expression(&item));
      out->items.push_back(std::move(item));
      SkipNewlines();
      if (At(Tok::kComma)) {
        Bump();
        continue;
      }
      if (At(Tok::kRBracket)) continue;
      if (At(Tok::kEof)) return Err(open, std::string(what) + " opened here with '[' is never closed (add ']')");
      if (!is_map && At(Tok::kColon))
        return Err(Cur(), "unexpected ':' in a list (a map needs every entry as key: value)");
      return Err(Cur(), "expected ',' or ']' in " + std::string(what) + ", found " + Describe(Cur()));
    }
  }

  std::vector<Token> t_;
  size_t i_ = 0;
  // Nesting limit, so hostile input cannot exhaust the stack.
  static constexpr int kMaxDepth = 200;
  int depth_ = 0;
  struct Deeper {
    explicit Deeper(Parser* p) : p(p) { ++p->depth_; }
    ~Deeper() { --p->depth_; }
    Parser* p;
  };
};

}  // namespace

Status ParseConfig(std::string_view text, const std::string& file_name, ParsedFile* out) {
  out->name = file_name;
  out->stmts.clear();
  std::vector<Token> toks;
  FERRY_RETURN_IF_ERROR(Lex(text, SourceLoc{file_name, 1, 1}, &toks));
  return Parser(std::move(toks)).File(&out->stmts);
}

Status ParseExpression(std::string_view text, const SourceLoc& start, Expr* out) {
  std::vector<Token> toks;
  FERRY_RETURN_IF_ERROR(Lex(text, start, &toks));
  // Newlines cannot occur in "${...}" (the lexer rejects them), so none to skip.
  return Parser(std::move(toks)).WholeExpression(out);
}

}  // namespace ferry::config
