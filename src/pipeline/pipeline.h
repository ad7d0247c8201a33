// The pipeline file (pipeline.yml): params with defaults and tasks whose
// fields are templates. LoadPipeline parses and validates it completely
// (YAML syntax, keys, template syntax, references between tasks, cycles,
// constant directive values) so that every mistake is reported with
// file:line:col before anything runs.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pipeline/directives.h"
#include "pipeline/param_schema.h"
#include "pipeline/params.h"
#include "pipeline/template.h"
#include "pipeline/template_value.h"
#include "util/source_loc.h"
#include "util/status.h"
#include "util/value.h"

namespace ferry {

using NamedTemplates = std::vector<std::pair<std::string, TemplateValue>>;  // file order

// How one output is declared. A pattern ("*.bam", pipeline/output_pattern.h)
// names the files matching it once the task ends, at least one unless
// optional; an optional output may be missing without failing the task.
// Either way which files it names is known only when the task has ended.
struct OutputDecl {
  bool pattern = false;
  bool optional = false;
  bool late() const { return pattern || optional; }
  static const OutputDecl& Plain();  // neither
};

struct TaskSpec {
  std::string name;
  SourceLoc loc;
  std::optional<TemplateValue> for_each;
  NamedTemplates inputs;
  NamedTemplates outputs;
  std::vector<OutputDecl> output_decls;  // one per output, same order
  // Some output is late (a pattern or optional): the tasks reading this
  // task's outputs can only be made once its tasks have ended.
  bool late_outputs = false;
  Template script;  // rendered with RenderShell
  SourceLoc script_loc;
  // `stub:` what runs instead of the script under -stub-run (a quick stand-in
  // that makes the outputs), so a pipeline's wiring can be tried in seconds.
  std::optional<Template> stub;
  NamedTemplates directives;  // only known directive names (validated)
  // `when:` a condition per task (true or false once evaluated); a task
  // whose condition is false is skipped. Unset: always runs.
  std::optional<TemplateValue> when;
  std::vector<std::string> deps;  // names of tasks this one references (anywhere), unique, file order

  // The directive's template value, or nullptr if the task does not set it.
  const TemplateValue* FindDirective(std::string_view name) const;
  // The declaration of output `name`; OutputDecl::Plain() if there is none.
  const OutputDecl& FindOutputDecl(std::string_view name) const;
  // Where output `name` is declared (its path's value in the file), so a task
  // that failed its output check can say which line to change; empty if none.
  SourceLoc OutputLoc(std::string_view name) const;
};

struct PipelineSpec {
  std::string path;                    // the pipeline file as given
  std::string dir;                     // absolute directory of the pipeline file
  Value params;                        // map: defaults from the file (null for a param without one)
  std::vector<ParamSpec> param_specs;  // every param, file order: type, help, required
  std::vector<TaskSpec> tasks;         // file order
  const TaskSpec* FindTask(std::string_view name) const;
};

// A task's directives are those of rules::DirectiveSpecs().

// Parses and validates pipeline text; `display_path` names it in errors and
// sets spec.path / spec.dir. No file access.
Status LoadPipelineText(std::string_view text, const std::string& display_path, PipelineSpec* out);
// Reads the file; a directory means DIR/pipeline.yml.
Status LoadPipeline(const std::string& path, PipelineSpec* out);

}  // namespace ferry
