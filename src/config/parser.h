// Parser for ferry's Groovy-like config language: tokens -> syntax tree
// (config/ast.h). Pure: no file access; includeConfig is only recorded here.
#pragma once

#include <string>
#include <string_view>

#include "config/ast.h"
#include "util/status.h"

namespace ferry::config {

// Parses a whole config file. Errors are "file:line:col: what (how to fix)";
// unclosed blocks, lists and strings are reported where they were opened.
Status ParseConfig(std::string_view text, const std::string& file_name, ParsedFile* out);

// Parses a single expression (used for "${...}" sources); `start` is where
// the text begins in its file.
Status ParseExpression(std::string_view text, const SourceLoc& start, Expr* out);

}  // namespace ferry::config
