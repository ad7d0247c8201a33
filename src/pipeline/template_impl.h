// Internal representation of a parsed Template, shared by the parser
// (template.cc) and the evaluator (template_eval.cc). Not for other modules.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pipeline/source_map.h"
#include "pipeline/template.h"
#include "util/status.h"
#include "util/value.h"

namespace ferry {
namespace tmpl {

enum class Func : uint8_t { kFiles, kLines, kCsv, kTsv, kRange, kRaw, kLen, kJoin, kPairs, kGroupBy, kJoinOn, kCross };

struct FuncInfo {
  const char* name;
  Func id;
  int min_args;
  int max_args;
  const char* usage;
};
const std::vector<FuncInfo>& Functions();
const FuncInfo* FindFunction(std::string_view name);

// Expression tree nodes live in one vector per template; children are indexes.
struct Node {
  enum class Kind : uint8_t { kLiteral, kName, kField, kIndex, kCall, kBinary, kNeg };
  Kind kind = Kind::kLiteral;
  char op = 0;             // kBinary: + - * /
  Func func = Func::kRaw;  // kCall
  uint32_t offset = 0;     // text offset reported in errors (the name, operator, '[' ...)
  int a = -1;              // object (field/index), left operand, operand of unary minus
  int b = -1;              // index expression, right operand
  std::string name;        // kName, kField: the name; kCall: the function name
  Value literal;           // kLiteral
  std::vector<int> args;   // kCall
};

struct Part {
  bool is_expr = false;
  std::string literal;  // !is_expr
  int root = -1;        // is_expr: root node
  uint32_t offset = 0;  // where the part starts ('{{' for expressions)
};

// An evaluated sub-expression: `v` points into the context or the tree, or
// at `tmp` when the value had to be computed.
struct Operand {
  Value tmp;
  const Value* v = nullptr;
};

}  // namespace tmpl

struct Template::Impl {
  std::string text;
  SourceMap map;
  std::vector<tmpl::Node> nodes;
  std::vector<tmpl::Part> parts;
  int whole = -1;  // index into parts when the text is exactly one {{ expr }}

  // Evaluates node `id`. *out points either into the context / the tree (no
  // copy) or at *tmp, which then holds a computed value.
  Status Eval(int id, const EvalContext& ctx, Value* tmp, const Value** out) const;
  Status EvalOperand(int id, const EvalContext& ctx, tmpl::Operand* op) const {
    return Eval(id, ctx, &op->tmp, &op->v);
  }
  Status EvalCall(const tmpl::Node& n, const EvalContext& ctx, Value* result) const;
  Status EvalBinary(const tmpl::Node& n, const Value& l, const Value& r, Value* result) const;
  // Where the text of node `id` begins (offset names the field, operator or
  // '['): an error about an argument's value points at the whole argument.
  uint32_t StartOf(int id) const;
  // "file:line:col: msg" as an Invalid status.
  Status Error(uint32_t offset, const std::string& msg) const;
  // The dotted text of a name chain ("item.sample"), or "the value".
  std::string Describe(int id) const;
  // Whether node `id` is input.x or output.x (or an element or path
  // property of one): a path relative to the task's work dir.
  bool NamesWorkDirPath(int id) const;
};

}  // namespace ferry
