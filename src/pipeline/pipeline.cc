#include "pipeline/pipeline.h"

#include <filesystem>
#include <set>

#include <yaml-cpp/yaml.h>

#include "pipeline/output_pattern.h"
#include "pipeline/param_schema.h"
#include "pipeline/task_graph_check.h"
#include "pipeline/yaml_input.h"
#include "pipeline/yaml_source.h"
#include "pipeline/yaml_values.h"
#include "util/text.h"
#include "util/user_file.h"

namespace fs = std::filesystem;

namespace ferry {

namespace {

const std::vector<std::string>& TaskFields() {
  static const std::vector<std::string>* fields = [] {
    auto* v = new std::vector<std::string>{"for_each", "input", "output", "script", "stub", "when"};
    for (const auto& d : rules::DirectiveNames()) v->push_back(d);
    return v;
  }();
  return *fields;
}

bool IsIdentifier(const std::string& s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return true;
}

std::string IdentifierSuggestion(const std::string& s) {
  std::string out;
  for (char c : s) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : '_';
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out = "_" + out;
  return out;
}

class Loader {
 public:
  Loader(std::string_view text, const std::string& path) : src_(text, path), path_(path) {}

  Status Err(const SourceLoc& loc, const std::string& msg) { return Status::Invalid(loc.ToString() + ": " + msg); }
  Status Err(const YAML::Node& n, const std::string& msg) { return Err(src_.Loc(n), msg); }
  SourceLoc FileStart() const { return SourceLoc{path_, 1, 1}; }

  Status Load(const YAML::Node& root, PipelineSpec* out) {
    if (!root || root.IsNull()) {
      return Err(FileStart(), "the pipeline is empty; it needs a 'tasks:' map (and optionally 'params:')");
    }
    if (!root.IsMap()) {
      return Err(root, "the top level of a pipeline must be a map with 'params' and 'tasks', not a " +
                           std::string(root.IsSequence() ? "list" : "single value"));
    }
    static const std::vector<std::string> top = {"params", "tasks"};
    YAML::Node params, tasks, tasks_key;
    bool has_tasks = false;
    std::set<std::string> seen;
    for (auto it = root.begin(); it != root.end(); ++it) {
      const YAML::Node key = it->first;  // a copy: it-> yields a temporary
      if (!key.IsScalar()) return Err(key, "top-level keys must be plain names ('params' or 'tasks')");
      const std::string& k = key.Scalar();
      if (!seen.insert(k).second) return Err(key, "'" + k + "' appears twice at the top level (merge them into one)");
      if (k == "params") {
        params = it->second;
      } else if (k == "tasks") {
        tasks = it->second;
        tasks_key = key;
        has_tasks = true;
      } else {
        std::string hint = DidYouMean(k, top);
        if (hint.empty() && rules::FindDirective(k)) hint = " (directives go inside a task, under tasks: NAME:)";
        return Err(key, "unknown top-level key '" + k + "'" + hint + "; a pipeline holds only 'params' and 'tasks'");
      }
    }
    out->params = Value::EmptyMap();
    if (params.IsDefined() && !params.IsNull()) {
      if (!params.IsMap()) return Err(params, "'params' must be a map of name: default value (or name: description)");
      FERRY_RETURN_IF_ERROR(ParseParamSchema(params, src_, &out->param_specs, &out->params));
    }
    if (!has_tasks) return Err(FileStart(), "the pipeline has no 'tasks:' map (add tasks: with at least one task)");
    if (tasks.IsNull() || (tasks.IsMap() && tasks.size() == 0)) {
      return Err(tasks_key, "'tasks' is empty; add at least one task (name: with a script)");
    }
    if (!tasks.IsMap()) {
      return Err(tasks,
                 "'tasks' must be a map of task name -> settings, not a " +
                     std::string(tasks.IsSequence() ? "list (drop the '-' before each task name)" : "single value"));
    }
    std::map<std::string, int> first_line;
    for (auto it = tasks.begin(); it != tasks.end(); ++it) {
      const YAML::Node key = it->first;  // a copy: it-> yields a temporary
      if (!key.IsScalar()) return Err(key, "a task name must be a plain name");
      const std::string& name = key.Scalar();
      if (first_line.count(name)) {
        return Err(key, "task '" + name + "' is defined twice (first on line " + std::to_string(first_line[name]) +
                            "); rename one");
      }
      first_line[name] = src_.Loc(key).line;
      if (!IsIdentifier(name)) {
        return Err(key, "task name '" + name +
                            "' must use only letters, digits and _ (not starting with a digit) "
                            "so templates can refer to it; try '" +
                            IdentifierSuggestion(name) + "'");
      }
      if (name == "params" || name == "item" || name == "input" || name == "output" || name == "task") {
        return Err(key, "'" + name + "' is a reserved name in templates and cannot name a task; choose another name");
      }
      TaskSpec task;
      FERRY_RETURN_IF_ERROR(LoadTask(key, it->second, &task));
      out->tasks.push_back(std::move(task));
    }
    return CheckTaskReferences(&out->tasks);
  }

  Status LoadNamed(const std::string& task, const char* field, const YAML::Node& node, NamedTemplates* out) {
    if (node.IsNull()) return Status::Ok();
    if (!node.IsMap()) {
      return Err(node, std::string("'") + field + "' of task '" + task + "' must be a map of name: " +
                           (std::string(field) == "input" ? "path template" : "file name template") + ", e.g. " +
                           field + ":\n    reads: \"{{ item }}\"");
    }
    std::set<std::string> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
      const YAML::Node key = it->first;  // a copy: it-> yields a temporary
      if (!key.IsScalar()) return Err(key, std::string(field) + " names must be plain names");
      const std::string& n = key.Scalar();
      if (!seen.insert(n).second) {
        return Err(key, std::string(field) + " '" + n + "' appears twice in task '" + task + "'");
      }
      if (!IsIdentifier(n)) {
        return Err(key, std::string(field) + " name '" + n +
                            "' must use only letters, digits and _ so templates can "
                            "refer to it as " +
                            field + "." + IdentifierSuggestion(n));
      }
      const YAML::Node v = it->second;  // a copy: it-> yields a temporary
      if (v.IsMap()) {
        return Err(v, std::string(field) + " '" + n + "' of task '" + task +
                          "' must be a path template or a list of them, not a map" +
                          (std::string(field) == "output" ? " other than { path: ..., optional: true }" : ""));
      }
      if (v.IsNull()) {
        return Err(key, std::string(field) + " '" + n + "' of task '" + task + "' has no value (give a path template)");
      }
      TemplateValue tv;
      FERRY_RETURN_IF_ERROR(YamlToTemplateValue(v, src_, &tv));
      out->emplace_back(n, std::move(tv));
    }
    return Status::Ok();
  }

  // output: NAME: "file" | "*.pattern" | [files] | { path: ..., optional: BOOL }
  Status LoadOutputs(const std::string& task, const YAML::Node& node, TaskSpec* spec) {
    // The map form is read first, then every path goes through LoadNamed's checks.
    // (YAML::Node's operator= writes through to the node it refers to:
    // reset() rebinds instead.)
    YAML::Node plain;
    plain.reset(node);
    std::vector<bool> optional;
    if (node.IsMap()) {
      plain.reset(YAML::Node(YAML::NodeType::Map));
      for (auto it = node.begin(); it != node.end(); ++it) {
        const YAML::Node v = it->second;  // a copy: it-> yields a temporary
        bool opt = false;
        YAML::Node path;
        path.reset(v);
        if (v.IsMap()) FERRY_RETURN_IF_ERROR(LoadOutputMap(task, it->first, v, &path, &opt));
        plain.force_insert(it->first, path);
        optional.push_back(opt);
      }
    }
    FERRY_RETURN_IF_ERROR(LoadNamed(task, "output", plain, &spec->outputs));
    for (size_t i = 0; i < spec->outputs.size(); ++i) {
      const auto& [name, tv] = spec->outputs[i];
      OutputDecl d;
      d.optional = i < optional.size() && optional[i];
      if (tv.kind() == TemplateValue::Kind::kList) {
        for (const auto& e : tv.items())
          if (e.scalar_template() && TextHasPattern(e.scalar_template()->text()))
            return Err(e.loc(), "output '" + name + "' of task '" + task +
                                    "' lists a pattern; a pattern is an output's whole value (one output per "
                                    "pattern, e.g. bams: \"*.bam\")");
      } else if (const Template* t = tv.scalar_template()) {
        d.pattern = TextHasPattern(t->text());
        if (d.pattern && t->is_constant()) {
          std::string why = PatternProblem(t->text());
          if (!why.empty())
            return Err(tv.loc(),
                       "output '" + name + "' of task '" + task + "': the pattern '" + t->text() + "' " + why);
        }
      }
      spec->late_outputs = spec->late_outputs || d.late();
      spec->output_decls.push_back(d);
    }
    return Status::Ok();
  }

  // { path: ..., optional: true }: *path is the path node.
  Status LoadOutputMap(const std::string& task, const YAML::Node& key, const YAML::Node& v, YAML::Node* path,
                       bool* optional) {
    static const std::vector<std::string> keys = {"path", "optional"};
    const std::string n = key.IsScalar() ? key.Scalar() : "?";
    bool has_path = false;
    std::set<std::string> seen;
    for (auto it = v.begin(); it != v.end(); ++it) {
      const YAML::Node k = it->first;  // a copy: it-> yields a temporary
      const YAML::Node e = it->second;
      if (!k.IsScalar()) return Err(k, "settings of output '" + n + "' must be plain names (path, optional)");
      const std::string& f = k.Scalar();
      if (!seen.insert(f).second)
        return Err(k, "'" + f + "' appears twice in output '" + n + "' of task '" + task + "'");
      if (f == "path") {
        if (e.IsNull()) return Err(k, "path of output '" + n + "' of task '" + task + "' has no value");
        path->reset(e);
        has_path = true;
      } else if (f == "optional") {
        bool b = false;
        if (!e.IsScalar() || e.Tag() == "!" || !YAML::convert<bool>::decode(e, b))
          return Err(
              e.IsNull() ? k : e,
              "optional of output '" + n + "' of task '" + task + "' must be true or false, got " +
                  (!e.IsScalar()    ? std::string("a list or map")
                   : e.Tag() == "!" ? "the quoted text \"" + e.Scalar() + "\" (write true or false without quotes)"
                                    : "'" + e.Scalar() + "'"));
        *optional = b;
      } else {
        return Err(k, "unknown setting '" + f + "' of output '" + n + "' in task '" + task + "'" + DidYouMean(f, keys) +
                          " (an output in map form has path: and optional:)");
      }
    }
    if (!has_path)
      return Err(v,
                 "output '" + n + "' of task '" + task + "' has no path: (e.g. { path: report.html, optional: true })");
    return Status::Ok();
  }

  Status LoadTask(const YAML::Node& key, const YAML::Node& node, TaskSpec* task) {
    const std::string& name = key.Scalar();
    task->name = name;
    task->loc = src_.Loc(key);
    if (node.IsNull()) {
      return Err(key, "task '" + name + "' is empty; it needs at least a 'script'");
    }
    if (!node.IsMap()) {
      return Err(node, "task '" + name + "' must be a map of settings (for_each, input, output, script, directives)");
    }
    bool has_script = false;
    std::set<std::string> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
      const YAML::Node k = it->first;   // a copy: it-> yields a temporary
      const YAML::Node v = it->second;  // a copy: it-> yields a temporary
      if (!k.IsScalar()) return Err(k, "settings of task '" + name + "' must be plain names");
      const std::string& field = k.Scalar();
      if (!seen.insert(field).second) {
        return Err(k, "'" + field + "' appears twice in task '" + name + "' (keep one)");
      }
      if (field == "script" || field == "stub") {
        if (!v.IsScalar()) {
          return Err(v.IsNull() ? k : v,
                     field + " of task '" + name + "' must be text (a shell script; use " + field + ": |)");
        }
        Template* t = &task->script;
        if (field == "stub") t = &task->stub.emplace();
        FERRY_RETURN_IF_ERROR(Template::Parse(v.Scalar(), src_.ScalarMap(v), t));
        if (field == "script") task->script_loc = src_.Loc(v);
        if (Trim(v.Scalar()).empty()) return Err(v, field + " of task '" + name + "' is empty");
        has_script = has_script || field == "script";
      } else if (field == "for_each") {
        if (v.IsNull()) return Err(k, "for_each of task '" + name + "' has no value (give a list)");
        if (v.IsMap()) {
          return Err(v, "for_each of task '" + name + "' must be a list or a template giving one, not a map");
        }
        TemplateValue tv;
        FERRY_RETURN_IF_ERROR(YamlToTemplateValue(v, src_, &tv));
        if (v.IsScalar() && tv.is_constant()) {
          return Err(v, "for_each of task '" + name +
                            "' must be a list: a YAML list, or a template such as "
                            "\"{{ files('" +
                            v.Scalar() + "') }}\", not the plain value '" + v.Scalar() + "'");
        }
        task->for_each = std::move(tv);
      } else if (field == "when") {
        if (v.IsNull()) return Err(k, "when of task '" + name + "' has no value (give true, false or a condition)");
        if (!v.IsScalar())
          return Err(v, "when of task '" + name +
                            "' must be one condition (true, false or a template such as \"{{ params.qc }}\"), not "
                            "a " +
                            std::string(v.IsSequence() ? "list" : "map"));
        TemplateValue tv;
        FERRY_RETURN_IF_ERROR(YamlToTemplateValue(v, src_, &tv));
        if (tv.is_constant()) {
          Value c = tv.scalar_template() ? Value(v.Scalar()) : tv.constant();
          if (!c.is_bool())
            return Err(v, "when of task '" + name + "' must be true or false, got '" + v.Scalar() +
                              "' (or a condition such as \"{{ item.type == 'paired' }}\")");
        }
        task->when = std::move(tv);
      } else if (field == "input") {
        FERRY_RETURN_IF_ERROR(LoadNamed(name, "input", v, &task->inputs));
      } else if (field == "output") {
        FERRY_RETURN_IF_ERROR(LoadOutputs(name, v, task));
      } else if (const rules::DirectiveSpec* spec = rules::FindDirective(field)) {
        TemplateValue tv;
        FERRY_RETURN_IF_ERROR(YamlToTemplateValue(v, src_, &tv));
        if (v.IsNull()) return Err(k, field + " in task '" + name + "' has no value (give one or remove the line)");
        FERRY_RETURN_IF_ERROR(CheckDirective(*spec, tv, name));
        task->directives.emplace_back(field, std::move(tv));
      } else {
        std::string hint = DidYouMean(field, TaskFields());
        if (hint.empty()) {
          hint = " (task settings: for_each, input, output, script, stub, when; directives: " +
                 Join(rules::DirectiveNames(), ", ") + ")";
        }
        return Err(k, "unknown directive '" + field + "' in task '" + name + "'" + hint);
      }
    }
    if (!has_script) {
      return Err(key, "task '" + name + "' has no 'script' (add script: | with the shell commands to run)");
    }
    return Status::Ok();
  }

 private:
  YamlSource src_;
  std::string path_;
};

}  // namespace

const TemplateValue* TaskSpec::FindDirective(std::string_view name) const {
  for (const auto& [n, v] : directives) {
    if (n == name) return &v;
  }
  return nullptr;
}

const OutputDecl& OutputDecl::Plain() {
  static const OutputDecl plain;
  return plain;
}

const OutputDecl& TaskSpec::FindOutputDecl(std::string_view name) const {
  for (size_t i = 0; i < outputs.size() && i < output_decls.size(); ++i)
    if (outputs[i].first == name) return output_decls[i];
  return OutputDecl::Plain();
}

SourceLoc TaskSpec::OutputLoc(std::string_view name) const {
  for (const auto& [n, tv] : outputs)
    if (n == name) return tv.loc();
  return SourceLoc();
}

const TaskSpec* PipelineSpec::FindTask(std::string_view name) const {
  for (const auto& t : tasks) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

Status LoadPipelineText(std::string_view text, const std::string& display_path, PipelineSpec* out) {
  PipelineSpec spec;
  spec.path = display_path;
  std::error_code ec;
  fs::path abs = fs::absolute(fs::path(display_path), ec).lexically_normal();
  spec.dir = abs.parent_path().string();
  YAML::Node root;
  FERRY_RETURN_IF_ERROR(ParseUserYaml(text, display_path, "pipeline", &root));
  Loader loader(text, display_path);
  try {
    FERRY_RETURN_IF_ERROR(loader.Load(root, &spec));
  } catch (const YAML::Exception& e) {
    return Status::Invalid(display_path + ": cannot read the pipeline: " + std::string(e.what()));
  }
  *out = std::move(spec);
  return Status::Ok();
}

Status LoadPipeline(const std::string& path, PipelineSpec* out) {
  std::error_code ec;
  std::string file = path;
  if (fs::is_directory(path, ec)) {
    file = (fs::path(path) / "pipeline.yml").string();
    if (!fs::exists(file, ec)) {
      return Status::Invalid(path + " is a directory without a pipeline.yml (ferry run DIR reads DIR/pipeline.yml)");
    }
  }
  std::string text;
  Status rs = ReadUserFile(file, &text);
  if (!rs.ok()) return Status::Invalid("cannot read pipeline '" + file + "': " + rs.message());
  return LoadPipelineText(text, file, out);
}

}  // namespace ferry
