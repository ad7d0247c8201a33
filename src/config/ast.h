// Syntax tree of a parsed config file: statements (assignments, blocks,
// process selectors, includeConfig, profiles) holding unevaluated
// expressions. Profiles are kept as trees so they can be applied after all
// files have been read.
#pragma once

#include <string>
#include <vector>

#include "util/source_loc.h"
#include "util/value.h"

namespace ferry::config {

struct Expr {
  enum class Kind {
    kLiteral,  // number, bool, null, plain string, unit literal (2.GB -> "2 GB")
    kRef,      // params.x, aws.region, HOME
    kInterp,   // "text ${expr} text": parts alternate literal text / expressions
    kList,
    kMap,
    kBinary,  // + - * /
    kNeg,
  };
  Kind kind = Kind::kLiteral;
  SourceLoc loc;
  Value literal;                  // kLiteral
  std::vector<std::string> path;  // kRef
  std::vector<Expr> items;        // kList items, kMap values, kInterp parts, kBinary/kNeg operands
  std::vector<std::string> keys;  // kMap keys
  char op = 0;                    // kBinary
};

struct Stmt;

struct Profile {
  std::string name;
  SourceLoc loc;
  std::vector<Stmt> body;
};

struct Stmt {
  enum class Kind {
    kAssign,    // a.b.c = expr   (or Groovy's `key expr` form)
    kBlock,     // a.b { body }
    kSelector,  // withLabel: pattern { body } / withName: pattern { body }
    kInclude,   // includeConfig expr
    kProfiles,  // profiles { name { body } ... }
  };
  Kind kind = Kind::kAssign;
  SourceLoc loc;                     // where the statement starts
  std::vector<std::string> path;     // kAssign / kBlock
  std::vector<SourceLoc> path_locs;  // position of each path segment
  bool command_form = false;         // written `key value` (no '=')
  Expr value;                        // kAssign / kInclude
  std::vector<Stmt> body;            // kBlock / kSelector
  std::string selector;              // "withLabel" or "withName"
  std::string pattern;               // kSelector
  std::vector<Profile> profiles;     // kProfiles
};

// One parsed file; `name` is how errors name it.
struct ParsedFile {
  std::string name;
  std::vector<Stmt> stmts;
};

}  // namespace ferry::config
