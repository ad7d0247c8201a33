// Evaluator: runs parsed config files in order against one settings tree, the
// way Nextflow's config reader does (later assignments win, references see
// what was set before them), collecting process selectors and profiles, then
// applies the chosen profiles. File access goes through a callback so the
// evaluator stays pure.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/ast.h"
#include "config/selector.h"
#include "util/status.h"
#include "util/value.h"

namespace ferry::config {

using ReadFileFn = std::function<Status(const std::string& path, std::string* text)>;

class Evaluator {
 public:
  // `cli_params` win over config params when read as params.x; `variables`
  // are extra bare names references may use (environment variables such as
  // HOME, projectDir, ...).
  Evaluator(Value cli_params, Value variables, ReadFileFn read_file);

  // Parses and evaluates one file (and what it includes).
  Status AddFile(const std::string& name, std::string_view text);
  // Applies the named profiles in this order. Unknown names are errors.
  Status ApplyProfiles(const std::vector<std::string>& names);
  // Final touches once everything is applied: CLI params override config params.
  void Finish();

  const Value& settings() const { return settings_; }
  const std::vector<Selector>& selectors() const { return selectors_; }
  const std::vector<std::string>& warnings() const { return warnings_; }
  std::vector<std::string> profile_names() const { return profile_order_; }
  // Where each top-level setting (dotted path) was last assigned.
  const std::map<std::string, SourceLoc>& where_set() const { return where_set_; }

 private:
  struct Context {
    std::vector<std::string> prefix;  // absolute path of enclosing blocks
    std::vector<SourceLoc> prefix_locs;
    int selector = -1;                    // index into selectors_ when inside withLabel/withName
    std::vector<std::string> sel_prefix;  // path inside the selector (e.g. ext)
    std::string file;                     // file being evaluated (includes resolve against it)
    bool in_profile = false;
  };
  struct ProfileDef {
    const Profile* profile;
    std::string file;
  };

  Status EvalFile(const std::string& name, std::string_view text, const Context& ctx);
  Status EvalBody(const std::vector<Stmt>& body, const Context& ctx);
  Status EvalStmt(const Stmt& st, const Context& ctx);
  Status Assign(const Stmt& st, const Context& ctx);
  Status Block(const Stmt& st, const Context& ctx);
  Status SelectorBlock(const Stmt& st, const Context& ctx);
  Status Include(const Stmt& st, const Context& ctx);
  Status Eval(const Expr& e, const Context& ctx, Value* out);
  Status Resolve(const Expr& e, const Context& ctx, Value* out);
  // Profiles not applied are not evaluated (as in Nextflow), but a misspelt
  // process directive in them is still worth a warning.
  void LintInactiveProfiles();
  void LintBody(const std::vector<Stmt>& body, std::vector<std::string> prefix, bool in_selector,
                const std::string& profile);

  Value cli_params_;
  Value variables_;
  ReadFileFn read_file_;
  Value settings_ = Value::EmptyMap();
  std::vector<Selector> selectors_;
  std::vector<std::string> warnings_;
  std::deque<std::unique_ptr<ParsedFile>> files_;  // keeps profile bodies alive
  std::map<std::string, std::vector<ProfileDef>> profiles_;
  std::vector<std::string> profile_order_;
  std::vector<std::string> include_stack_;
  std::vector<std::string> applied_profiles_;
  std::map<std::string, SourceLoc> where_set_;
};

}  // namespace ferry::config
