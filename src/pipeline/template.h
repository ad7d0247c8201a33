// Template: one string of a pipeline file that may hold {{ expr }} parts.
// Parsed once (syntax errors carry file:line:col), then evaluated many times
// against an EvalContext: plainly (Evaluate) or quoted for the place each
// {{ }} stands in a bash script (RenderShell).
//
// Expression language: names, dotted access (a.b.c), indexing x[0] (negative
// counts from the end), integer / decimal / '..' / ".." literals, + - * / with
// the usual precedence, == and != below them (one per expression), unary
// minus, parentheses and the functions files, lines, csv, tsv, range, raw,
// len, join, pairs, group_by, join_on, cross. Strings offer the path properties
// name, stem, ext and dir. Text outside {{ }} is taken as is (shell $VAR,
// ${VAR}, $(cmd) and awk braces need no escaping); a literal "{{" is written
// {{ '{{' }}.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/source_map.h"
#include "pipeline/template_host.h"
#include "util/source_loc.h"
#include "util/status.h"
#include "util/value.h"

namespace ferry {

// A dotted name chain used in an expression, e.g. count.output.counts ->
// {"count","output","counts"}.
struct Reference {
  std::vector<std::string> path;
  SourceLoc loc;                     // where the first name starts
  std::vector<SourceLoc> part_locs;  // where each element of `path` starts
};

// Names visible to expressions: roots such as params, item, input, output,
// task, and each upstream task's name -> {"output": {name: path-or-list}}.
struct EvalContext {
  ValueMap roots;
  TemplateHost* host = nullptr;  // nullptr: files()/lines()/csv()/tsv() give a clear error
  // Fields an item carries from upstream when it is one file (a task chained
  // on another's output): item.sample reads them; item itself stays the path.
  const ValueMap* item_fields = nullptr;
};

// Names of the template functions, for hints and static checks.
const std::vector<std::string>& TemplateFunctionNames();

class Template {
 public:
  Template();  // the empty, constant template

  // Parses; `where` maps offsets of `text` to the user's file (a SourceLoc
  // converts to a SourceMap for text that sits verbatim in the file).
  static Status Parse(std::string_view text, const SourceMap& where, Template* out);

  bool is_constant() const;         // no {{ }} at all
  const std::string& text() const;  // the source text
  const SourceMap& source_map() const;
  SourceLoc loc() const;  // where text()[0] sits
  void CollectReferences(std::vector<Reference>* out) const;

  // Plain evaluation. If the whole text is exactly one {{ expr }} (surrounding
  // whitespace allowed), the result is that expression's Value (a list stays a
  // list, a number a number); otherwise the parts are concatenated into a
  // string.
  Status Evaluate(const EvalContext& ctx, Value* out) const;

  // Renders for a bash script, each {{ }} value quoted for the shell context
  // where it stands (see shell_context.h). raw(x) inserts x verbatim.
  Status RenderShell(const EvalContext& ctx, std::string* out) const;

  struct Impl;

 private:
  std::shared_ptr<const Impl> impl_;
};

}  // namespace ferry
