// Config: ferry's resolved configuration, read from Groovy-like `ferry.config`
// files (the syntax Nextflow users write: scopes, dotted assignments,
// includeConfig, profiles, withLabel:/withName: selectors). The engine asks it
// for settings, process directive defaults and per-task selector overrides.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "config/selector.h"
#include "util/source_loc.h"
#include "util/status.h"
#include "util/value.h"

namespace ferry {

namespace config {
class Evaluator;
}

struct ConfigLoadOptions {
  std::vector<std::string> files;     // existing files, in order; later wins
  std::vector<std::string> profiles;  // from -profile a,b (applied in this order after all files)
  Value cli_params;                   // params from the command line, visible to ${params.x} (override config params)
  // Extra bare names references may use ("$HOME/work", "${projectDir}/conf"),
  // as a map. Load() fills in the process environment when this is null;
  // LoadText() uses only what is given.
  Value variables;
};

class Config {
 public:
  // Reads each file (and includeConfig'd files), parses, applies profiles, validates.
  // Errors: Status::Invalid "file:line:col: what is wrong (how to fix)".
  // An unknown profile name -> error listing the defined profiles (with did-you-mean).
  static Status Load(const ConfigLoadOptions& opts, Config* out);
  // Same from text (pure; includeConfig resolved through `read_file`).
  static Status LoadText(std::string_view text, const std::string& display_name, const ConfigLoadOptions& opts,
                         const std::function<Status(const std::string&, std::string*)>& read_file, Config* out);

  // The resolved settings as a map tree: {"process": {...generic directives...},
  // "aws": {"region":..., "batch": {...}, "client": {...}}, "executor": {...},
  // "params": {...}, "env": {...}, "workDir": ..., "trace": {...}, "plugins": [..]}.
  // Selector blocks are NOT inside "process" here (see ProcessOverrides).
  const Value& settings() const { return settings_; }
  const Value* Get(std::string_view dotted) const { return settings_.FindPath(dotted); }
  // Where setting `dotted` (e.g. "podman.enabled") was last assigned; null
  // when no file set it.
  const SourceLoc* WhereSet(const std::string& dotted) const;
  // Config params (map, maybe empty); a param also given on the command line
  // holds the command-line value.
  const Value& params() const;

  // Directives set generically in process { } / process.x = ...
  ValueMap ProcessDefaults() const;
  // Directives from every withLabel/withName block matching this task, in the
  // precedence order Nextflow uses (withLabel blocks, then withName blocks, each in
  // file order incl. profiles), later wins, merged into one map.
  ValueMap ProcessOverrides(std::string_view task_name, const std::vector<std::string>& labels) const;

  // Text for `ferry config show`: the resolved config in the same syntax (it
  // reads back to the same settings), secrets replaced by '********'.
  std::string Show() const;

  // Non-fatal findings, each "file:line:col: unknown config key 'aws.batch.clipath' (did you mean 'cliPath'?)".
  const std::vector<std::string>& warnings() const { return warnings_; }
  // Profiles the files define, in the order first defined.
  const std::vector<std::string>& profile_names() const { return profile_names_; }
  const std::vector<config::Selector>& selectors() const { return selectors_; }

 private:
  // Applies the profiles and takes the evaluator's results.
  Status Finish(config::Evaluator* ev, const ConfigLoadOptions& opts);

  Value settings_ = Value::EmptyMap();
  std::vector<config::Selector> selectors_;
  std::vector<std::string> warnings_;
  std::vector<std::string> profile_names_;
  std::map<std::string, SourceLoc> where_set_;
};

}  // namespace ferry
