// Lexer for ferry's Groovy-like config language: turns config text into
// tokens with file:line:col positions. Strings keep their interpolation
// parts ("${expr}" / "$a.b") as raw source so the parser can parse them as
// expressions with the right positions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/source_loc.h"
#include "util/status.h"

namespace ferry::config {

enum class Tok {
  kIdent,
  kString,
  kNumber,
  kLBrace,
  kRBrace,
  kLBracket,
  kRBracket,
  kLParen,
  kRParen,
  kComma,
  kColon,
  kAssign,
  kDot,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kSemicolon,
  kNewline,
  kEof,
};

// One piece of a string literal: literal text, or the source of an
// interpolated expression (from "${...}" or "$name.name").
struct StringPart {
  bool is_expr = false;
  std::string text;
  SourceLoc loc;  // where the text (or the expression source) starts
};

struct Token {
  Tok kind = Tok::kEof;
  std::string text;  // identifier name, number source, or the token's characters
  SourceLoc loc;
  bool space_before = false;      // whitespace (or a comment) right before this token
  std::vector<StringPart> parts;  // kString only
};

// "identifier 'x'", "'}'", "end of file": how messages name a token.
std::string Describe(const Token& t);

// Splits `text` into tokens; `start` is the position of text[0] (lets
// interpolated "${...}" sources be lexed with their real positions).
// Errors: unterminated strings/comments (reported where they open), malformed
// numbers, stray characters.
Status Lex(std::string_view text, const SourceLoc& start, std::vector<Token>* out);

}  // namespace ferry::config
