#include "engine/expander.h"

#include <sys/stat.h>

#include <algorithm>

#include <unordered_set>

#include "config/config.h"
#include "engine/work_store.h"
#include "pipeline/output_pattern.h"
#include "util/hash.h"
#include "util/path.h"
#include "util/text.h"
#include "util/units.h"

namespace ferry {

namespace {

std::string BaseName(const std::string& p) { return std::string(PathBaseName(p)); }

void FlattenStrings(const Value& v, std::vector<std::string>* out) {
  if (v.is_list()) {
    for (const auto& e : v.as_list()) FlattenStrings(e, out);
  } else if (!v.is_null()) {
    out->push_back(v.ToString());
  }
}

// Every string of an item, inside lists and maps (a pair's files, the
// outputs in a joined item), to find the upstream tasks it came from.
void FlattenItemStrings(const Value& v, std::vector<std::string>* out) {
  if (v.is_map()) {
    for (const auto& [k, e] : v.as_map()) FlattenItemStrings(e, out);
  } else if (v.is_list()) {
    for (const auto& e : v.as_list()) FlattenItemStrings(e, out);
  } else if (v.is_string()) {
    out->push_back(v.as_string());
  }
}

Value TaskRoot(const Task& task, int attempt) {
  ValueMap m;
  m.Reserve(13);
  m.Append("name", Value(task.spec->name));
  m.Append("process", Value(task.spec->name));
  m.Append("index", Value(static_cast<int64_t>(task.item_index + 1)));
  m.Append("attempt", Value(attempt));
  m.Append("id", Value(static_cast<int64_t>(task.id())));
  return Value(std::move(m));
}

void AddDirectivesToTaskRoot(const Directives& d, Value* task_root) {
  // Called once on a fresh TaskRoot(), so none of these keys exist yet.
  ValueMap& m = task_root->MutableMap();
  m.Append("cpus", Value(d.cpus));
  m.Append("memory", d.memory_bytes ? Value(FormatMemory(d.memory_bytes)) : Value());
  m.Append("memory_mb", Value(d.memory_bytes / (1024 * 1024)));
  m.Append("time", d.time_ms ? Value(FormatDuration(d.time_ms)) : Value());
  m.Append("container", Value(d.container));
  m.Append("queue", Value(d.queue));
  m.Append("executor", Value(d.executor));
  m.Append("accelerator", Value(d.accelerator));
}

}  // namespace

Expander::Expander(const PipelineSpec& pipeline, ExpandOptions opts, TemplateHost* host)
    : pipeline_(pipeline), opts_(std::move(opts)), host_(host) {
  if (opts_.config) {
    process_defaults_ = opts_.config->ProcessDefaults();
    // `executor.name = 'awsbatch'` (or executor { name = ... }) picks the
    // executor of every task that process settings leave unset.
    const Value* name = opts_.config->Get("executor.name");
    if (name && name->is_string() && !process_defaults_.Find("executor")) process_defaults_.Set("executor", *name);
    if (const Value* env = opts_.config->Get("env")) {
      for (const auto& [k, v] : env->as_map()) env_.emplace_back(k, v.ToString());
    }
  }
}

Expander::~Expander() = default;

const Template& Expander::ScriptOf(const TaskSpec& spec) const {
  return opts_.stub_run && spec.stub ? *spec.stub : spec.script;
}

void Expander::FindWantedItems() {
  // TASK.items costs a map per task: built only for tasks someone names so.
  items_wanted_.assign(pipeline_.tasks.size(), false);
  std::vector<Reference> refs;
  for (const auto& spec : pipeline_.tasks) {
    if (spec.for_each) spec.for_each->CollectReferences(&refs);
    for (const auto& [n, v] : spec.inputs) v.CollectReferences(&refs);
    for (const auto& [n, v] : spec.outputs) v.CollectReferences(&refs);
    for (const auto& [n, v] : spec.directives) v.CollectReferences(&refs);
    spec.script.CollectReferences(&refs);
    if (spec.stub) spec.stub->CollectReferences(&refs);
  }
  for (const auto& r : refs) {
    if (r.path.size() < 2 || r.path[1] != "items") continue;
    for (size_t j = 0; j < pipeline_.tasks.size(); ++j)
      if (pipeline_.tasks[j].name == r.path[0]) items_wanted_[j] = true;
  }
}

Status Expander::Expand(TaskGraph* graph) {
  graph->tasks.clear();
  graph->per_process.clear();
  graph->spec_roots.assign(pipeline_.tasks.size(), Value());
  FindWantedItems();
  produced_.clear();
  seen_hashes_.clear();
  // The loader guarantees the spec-level graph is acyclic; visit specs so that
  // every spec comes after the specs it references.
  std::vector<int> state(pipeline_.tasks.size(), 0);  // 0 new, 1 visiting, 2 done
  std::vector<size_t> order;
  std::function<void(size_t)> visit = [&](size_t i) {
    if (state[i]) return;
    state[i] = 1;
    for (const auto& dep : pipeline_.tasks[i].deps) {
      for (size_t j = 0; j < pipeline_.tasks.size(); ++j)
        if (pipeline_.tasks[j].name == dep) visit(j);
    }
    state[i] = 2;
    order.push_back(i);
  };
  for (size_t i = 0; i < pipeline_.tasks.size(); ++i) visit(i);
  graph->spec_tasks.assign(pipeline_.tasks.size(), {0, 0});
  FERRY_RETURN_IF_ERROR(FindDeferred(graph, &order));
  for (size_t i : order) {
    if (!deferred_[i]) FERRY_RETURN_IF_ERROR(ExpandSpec(i, graph));
  }
  // per_process in pipeline (file) order.
  std::vector<int> counts(pipeline_.tasks.size(), 0);
  for (const auto& t : graph->tasks) counts[t.spec_index]++;
  for (size_t i = 0; i < pipeline_.tasks.size(); ++i)
    graph->per_process.emplace_back(pipeline_.tasks[i].name, deferred_[i] ? -1 : counts[i]);
  LinkDependents(graph, 0);
  return Status::Ok();
}

void Expander::LinkDependents(TaskGraph* graph, uint32_t first) {
  for (uint32_t i = first; i < graph->tasks.size(); ++i)
    for (uint32_t d : graph->tasks[i].deps) graph->tasks[d].dependents.push_back(i);
}

Status Expander::FindDeferred(TaskGraph* graph, std::vector<size_t>* order) {
  // A spec reading a spec with late outputs, or a deferred one, is
  // deferred: `order` has every spec after those it reads.
  const size_t n = pipeline_.tasks.size();
  deferred_.assign(n, false);
  found_noted_.assign(n, false);
  graph->deferred.clear();
  graph->later.clear();
  for (size_t i : *order) {
    TaskGraph::Deferred later;
    later.spec = static_cast<uint32_t>(i);
    for (const auto& dep : pipeline_.tasks[i].deps) {
      const TaskSpec* d = pipeline_.FindTask(dep);
      if (!d) continue;
      size_t j = static_cast<size_t>(d - pipeline_.tasks.data());
      later.reads.push_back(static_cast<uint32_t>(j));
      if (d->late_outputs || deferred_[j]) deferred_[i] = true;
    }
    if (!deferred_[i]) continue;
    graph->deferred.push_back(std::move(later));
    // Its executor as its directives give it without an item (most do not
    // depend on one), so a run sets that executor up before it starts; a
    // task that turns out to need another fails with the reason.
    Task probe;
    probe.spec = &pipeline_.tasks[i];
    probe.display = probe.spec->name;
    probe.hash = "00";
    EvalContext ctx;
    FERRY_RETURN_IF_ERROR(MakeContext(*graph, probe, 1, &ctx));
    if (!ResolveDirectives(probe, ctx, &probe.directives).ok()) continue;
    FERRY_RETURN_IF_ERROR(AssignWorkDir(&probe));
    graph->later.push_back(std::move(probe));
  }
  return Status::Ok();
}

Status Expander::ExpandDeferred(TaskGraph* graph, uint32_t spec_index, const std::vector<uint32_t>& nothing) {
  const TaskSpec& spec = pipeline_.tasks[spec_index];
  for (const auto& dep : spec.deps) {
    const TaskSpec* d = pipeline_.FindTask(dep);
    if (!d || !d->late_outputs) continue;
    size_t j = static_cast<size_t>(d - pipeline_.tasks.data());
    if (found_noted_[j]) continue;
    found_noted_[j] = true;
    // What its tasks left is known now: what reads it sees those files.
    auto [first, end] = graph->spec_tasks[j];
    for (uint32_t i = first; i < end; ++i) {
      if (std::find(nothing.begin(), nothing.end(), i) != nothing.end()) continue;
      const Task& t = graph->tasks[i];
      for (const auto& rel : t.OutputPaths()) produced_.emplace(WorkPath(t.work_dir, rel), t.index);
    }
    graph->spec_roots[j] = SpecRoot(*graph, j, first, end, nothing);
  }
  const uint32_t first = static_cast<uint32_t>(graph->tasks.size());
  Status st = ExpandSpec(spec_index, graph);
  if (!st.ok()) {
    // None of its tasks is entered into the plan.
    graph->tasks.erase(graph->tasks.begin() + first, graph->tasks.end());
    return st;
  }
  graph->per_process[spec_index].second = static_cast<int>(graph->tasks.size() - first);
  LinkDependents(graph, first);
  return Status::Ok();
}

Status Expander::MakeContext(const TaskGraph& graph, const Task& task, int attempt, EvalContext* ctx) {
  // A fresh map whose keys are distinct (task names cannot be params, item,
  // task, input or output), so entries are appended without lookups.
  ctx->host = host_;
  ctx->roots = ValueMap();
  ctx->roots.Reserve(task.spec->deps.size() + 5);
  ctx->roots.Append("params", opts_.params);
  for (const auto& dep : task.spec->deps) {
    for (size_t j = 0; j < pipeline_.tasks.size(); ++j)
      if (pipeline_.tasks[j].name == dep) ctx->roots.Append(dep, graph.spec_roots[j]);
  }
  if (task.spec->for_each) ctx->roots.Append("item", task.item);
  ctx->item_fields = task.carried.is_map() ? &task.carried.as_map() : nullptr;
  ctx->roots.Append("task", TaskRoot(task, attempt));
  return Status::Ok();
}

Status Expander::EvalConfigValue(const Value& v, const EvalContext& ctx, const std::string& key, Value* out) {
  if (v.is_string() && v.as_string().find("{{") != std::string::npos) {
    auto it = config_templates_.find(v.as_string());
    if (it == config_templates_.end()) {
      auto t = std::make_unique<Template>();
      SourceLoc where{"config: process." + key, 0, 0};
      FERRY_RETURN_IF_ERROR(Template::Parse(v.as_string(), where, t.get()));
      it = config_templates_.emplace(v.as_string(), std::move(t)).first;
    }
    return it->second->Evaluate(ctx, out);
  }
  if (v.is_list()) {
    ValueList l;
    for (const auto& e : v.as_list()) {
      Value r;
      FERRY_RETURN_IF_ERROR(EvalConfigValue(e, ctx, key, &r));
      l.push_back(std::move(r));
    }
    *out = Value(std::move(l));
    return Status::Ok();
  }
  *out = v;
  return Status::Ok();
}

Status Expander::ResolveDirectives(const Task& task, const EvalContext& ctx, Directives* out) {
  ValueMap layered;
  for (const auto& [k, v] : process_defaults_) {
    Value r;
    FERRY_RETURN_IF_ERROR(EvalConfigValue(v, ctx, k, &r));
    layered.Set(k, std::move(r));
  }
  for (const auto& [k, tv] : task.spec->directives) {
    Value r;
    FERRY_RETURN_IF_ERROR(tv.Evaluate(ctx, &r));
    layered.Set(k, std::move(r));
  }
  if (opts_.config) {
    // Selector matching depends only on the task's name and labels: match
    // once per distinct pair, not once per task.
    std::string key = task.spec->name;
    std::vector<std::string> labels;
    if (const Value* l = layered.Find("label")) FlattenStrings(*l, &labels);
    for (const auto& l : labels) key += '\0' + l;
    auto cached = overrides_cache_.find(key);
    if (cached == overrides_cache_.end())
      cached = overrides_cache_.emplace(key, opts_.config->ProcessOverrides(task.spec->name, labels)).first;
    for (const auto& [k, v] : cached->second) {
      Value r;
      FERRY_RETURN_IF_ERROR(EvalConfigValue(v, ctx, k, &r));
      layered.Set(k, std::move(r));
    }
  }
  *out = Directives();
  return DirectivesFromValues(
      layered, [&] { return task.spec->loc.ToString() + ": task '" + task.display + "'"; }, out);
}

namespace {

// Where the `pos`th of the `count` paths (pos 1-based) of input `name` is
// written, so an error about a path points at that path: the element of a
// YAML list with one path per element, else the input's value (a template
// that makes a list has one place).
SourceLoc InputPathLoc(const TaskSpec& spec, const std::string& name, int pos, size_t count) {
  for (const auto& [n, tv] : spec.inputs) {
    if (n != name) continue;
    if (tv.kind() == TemplateValue::Kind::kList && tv.items().size() == count && pos >= 1 &&
        static_cast<size_t>(pos) <= count)
      return tv.items()[static_cast<size_t>(pos - 1)].loc();
    return tv.loc();
  }
  return spec.loc;
}

}  // namespace

Status Expander::StageInputs(Task* task, const ValueMap& evaluated) {
  // Count basenames so that two inputs with the same file name (common when
  // gathering one "result.txt" from every upstream task) get distinct names.
  std::unordered_map<std::string, int> basename_count;
  std::vector<std::vector<std::string>> sources;
  staged_upstream_.clear();
  size_t total = 0;
  for (const auto& [name, v] : evaluated) {
    std::vector<std::string> flat;
    FlattenStrings(v, &flat);
    total += flat.size();
    sources.push_back(std::move(flat));
  }
  basename_count.reserve(total);
  for (const auto& flat : sources)
    for (const auto& s : flat) basename_count[BaseName(s)]++;
  size_t k = 0;
  for (const auto& [name, v] : evaluated) {
    const auto& flat = sources[k++];
    ValueList staged_names;
    int pos = 0;
    for (const auto& s : flat) {
      ++pos;
      if (s.empty())
        return Status::Invalid(InputPathLoc(*task->spec, name, pos, flat.size()).ToString() + ": input '" + name +
                               "' of task '" + task->display + "' is an empty path");
      std::string source = SourcePath(s);
      std::string base = BaseName(source);
      std::string staged = basename_count[BaseName(s)] > 1 ? name + "/" + std::to_string(pos) + "/" + base : base;
      auto prod = produced_.find(source);
      staged_upstream_.push_back(prod != produced_.end());
      if (prod == produced_.end() && IsS3Path(source)) {
        // An object on S3, identified by its URL (no request at expansion).
      } else if (prod == produced_.end() && !task->when_false) {
        // (A task that will not run may name inputs that are not there.)
        struct stat st;
        if (::stat(source.c_str(), &st) != 0) {
          const std::string loc = InputPathLoc(*task->spec, name, pos, flat.size()).ToString();
          if (IsPattern(s))
            return Status::Invalid(loc + ": input '" + name + "' of task '" + task->display + "' is '" + s +
                                   "', a pattern, but an input names files: list the matching files with "
                                   "\"{{ files('" +
                                   s + "') }}\"");
          return Status::Invalid(loc + ": input '" + name + "' of task '" + task->display + "': no such file '" + s +
                                 "' (looked for " + source + ")");
        }
      } else if (prod != produced_.end()) {
        task->deps.push_back(prod->second);
      }
      task->staged.push_back({source, staged});
      staged_names.push_back(Value(staged));
    }
    if (v.is_list()) task->inputs.Set(name, Value(std::move(staged_names)));
    else task->inputs.Set(name, staged_names.empty() ? Value("") : staged_names[0]);
  }
  return Status::Ok();
}

void Expander::ComputeHash(Task* task) {
  Hasher h;
  h.Add("ferry-task-1").Add(task->spec->name).Add(task->script);
  // A stub's results are never a real run's: -resume without -stub-run
  // must not take them (the stub's text alone could equal a script's).
  if (&ScriptOf(*task->spec) != &task->spec->script) h.Add("stub-run");
  // What the script may call from the pipeline's bin/ (ExpandOptions).
  if (!opts_.bin_digest.empty()) h.Add("bin").Add(opts_.bin_digest);
  // The item is part of the identity even when the script does not use it:
  // otherwise identical tasks of one for_each would share a work dir. The
  // item's position is not, so adding a sample does not re-run the others.
  h.Add(task->item.is_string() ? task->item.as_string() : task->item.ToJson());
  for (size_t i = 0; i < task->staged.size(); ++i) {
    const StagedInput& in = task->staged[i];
    h.Add(in.name);
    if (staged_upstream_[i]) {
      // An upstream output is identified by the upstream task's identity, so
      // a change anywhere upstream reaches every task downstream of it.
      h.Add("task-output").Add(in.source);
    } else {
      struct stat st;
      h.Add(in.source);
      if (::stat(in.source.c_str(), &st) == 0) {
        h.Add(static_cast<int64_t>(st.st_size));
        h.Add(static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec);
      }
    }
  }
  for (const auto& [name, v] : task->outputs) {
    h.Add(name).Add(static_cast<int64_t>(v.is_list()));
    if (v.is_list()) {
      for (const auto& e : v.as_list()) h.Add(e.ToString());
    } else {
      h.Add(v.ToString());
    }
  }
  h.Add(task->directives.container);
  // The same item listed twice still needs two work dirs.
  std::string hash = h.HexDigest(32);
  for (int dup = 1; !seen_hashes_.insert(hash).second; ++dup) {
    Hasher again;
    hash = again.Add(hash).Add(static_cast<int64_t>(dup)).HexDigest(32);
  }
  task->hash = hash;
}

std::string Expander::SourcePath(const std::string& p) const {
  return IsS3Path(p) ? p : AbsolutePath(opts_.launch_dir, p);
}

Status Expander::AssignWorkDir(Task* task) {
  const std::string& exec = task->directives.executor;
  bool on_s3 = std::find(opts_.s3_executors.begin(), opts_.s3_executors.end(), exec) != opts_.s3_executors.end();
  if (on_s3 && opts_.s3_work_root.empty())
    return Status::Invalid(task->spec->loc.ToString() + ": task '" + task->display + "' runs on the " + exec +
                           " executor, whose work dir must be on S3, but no S3 work dir is set (pass -bucket-dir "
                           "s3://BUCKET/PATH, or set workDir = 's3://BUCKET/PATH' in ferry.config)");
  const std::string& root = on_s3 ? opts_.s3_work_root : opts_.work_root;
  task->work_dir = root + "/" + task->hash.substr(0, 2) + "/" + task->hash.substr(2);
  return Status::Ok();
}

Status Expander::ExpandSpec(size_t spec_index, TaskGraph* graph) {
  const TaskSpec& spec = pipeline_.tasks[spec_index];
  const uint32_t first = static_cast<uint32_t>(graph->tasks.size());

  ValueList items;
  if (spec.for_each) {
    Task probe;
    probe.spec = &spec;
    EvalContext ctx;
    FERRY_RETURN_IF_ERROR(MakeContext(*graph, probe, 1, &ctx));
    ctx.roots.Erase("item");
    Value list;
    FERRY_RETURN_IF_ERROR(spec.for_each->Evaluate(ctx, &list));
    if (list.is_list()) {
      items = list.as_list();
    } else if (!list.is_null()) {
      items.push_back(list);
    }
  } else {
    items.push_back(Value());
  }

  graph->tasks.reserve(graph->tasks.size() + items.size());
  // Grow the lookup tables once rather than rehashing as tasks are added.
  produced_.reserve(produced_.size() + items.size() * std::max<size_t>(1, spec.outputs.size()));
  seen_hashes_.reserve(seen_hashes_.size() + items.size());
  // Which spec each already-expanded task belongs to, to tell which
  // referenced specs a task's inputs already depend on.
  auto spec_of = [&](uint32_t idx) { return graph->tasks[idx].spec; };

  for (size_t k = 0; k < items.size(); ++k) {
    graph->tasks.emplace_back();
    Task& t = graph->tasks.back();
    t.index = static_cast<uint32_t>(graph->tasks.size() - 1);
    t.spec = &spec;
    t.spec_index = static_cast<uint32_t>(spec_index);
    t.item_index = spec.for_each ? static_cast<int>(k) : -1;
    t.display = spec.for_each ? spec.name + " (" + std::to_string(k + 1) + ")" : spec.name;
    t.item = std::move(items[k]);
    // Items that are (or hold) upstream outputs make this a one-to-one chain.
    if (spec.for_each) {
      std::vector<std::string> flat;
      FlattenItemStrings(t.item, &flat);
      for (const auto& s : flat) {
        auto prod = produced_.find(SourcePath(s));
        if (prod != produced_.end()) t.chain_deps.push_back(prod->second);
      }
    }
    // One upstream file: the task carries on what its producer's item had.
    if (t.item.is_string() && t.chain_deps.size() == 1)
      if (const Value* fields = graph->tasks[t.chain_deps[0]].ItemFields()) t.carried = *fields;

    EvalContext ctx;
    FERRY_RETURN_IF_ERROR(MakeContext(*graph, t, 1, &ctx));
    FERRY_RETURN_IF_ERROR(ResolveDirectives(t, ctx, &t.directives));
    AddDirectivesToTaskRoot(t.directives, ctx.roots.FindMutable("task"));
    if (!t.directives.tag.empty()) t.display = spec.name + " (" + t.directives.tag + ")";
    if (spec.when) {
      Value cond;
      FERRY_RETURN_IF_ERROR(spec.when->Evaluate(ctx, &cond));
      if (!cond.is_bool())
        return Status::Invalid(spec.when->loc().ToString() + ": when of task '" + t.display +
                               "' must be true or false, got " + cond.kind_name() + " '" + cond.ToString() +
                               "' (compare to get one, e.g. \"{{ item.type == 'paired' }}\")");
      t.when_false = !cond.as_bool();
    }

    ValueMap evaluated;
    for (const auto& [name, tv] : spec.inputs) {
      Value v;
      FERRY_RETURN_IF_ERROR(tv.Evaluate(ctx, &v));
      evaluated.Set(name, std::move(v));
    }
    FERRY_RETURN_IF_ERROR(StageInputs(&t, evaluated));
    ctx.roots.Set("input", Value(t.inputs));

    t.deps.insert(t.deps.end(), t.chain_deps.begin(), t.chain_deps.end());
    // A referenced task none of whose outputs reached this task's inputs (it
    // is used in the script, say) is waited for as a whole.
    for (const auto& dep_name : spec.deps) {
      bool covered = false;
      for (uint32_t d : t.deps)
        if (spec_of(d)->name == dep_name) covered = true;
      if (covered) continue;
      for (uint32_t j = 0; j < first; ++j)
        if (graph->tasks[j].spec->name == dep_name) t.deps.push_back(j);
    }
    std::sort(t.deps.begin(), t.deps.end());
    t.deps.erase(std::unique(t.deps.begin(), t.deps.end()), t.deps.end());

    for (size_t o = 0; o < spec.outputs.size(); ++o) {
      const auto& [name, tv] = spec.outputs[o];
      const OutputDecl& decl = spec.output_decls[o];
      Value v;
      FERRY_RETURN_IF_ERROR(tv.Evaluate(ctx, &v));
      std::vector<std::string> flat;
      FlattenStrings(v, &flat);
      for (const auto& p : flat) {
        if (p.empty() || p[0] == '/' || PathHasParentRef(NormalizePath(p)))
          return Status::Invalid(tv.loc().ToString() + ": output '" + name + "' of task '" + t.display +
                                 "' must be a path inside the task's work dir, got '" + p +
                                 "' (name the file relative to the work dir, e.g. 'result.txt')");
        if (!IsPattern(p)) continue;
        if (!decl.pattern)
          return Status::Invalid(tv.loc().ToString() + ": output '" + name + "' of task '" + t.display + "' is '" + p +
                                 "', a pattern made by a template value; write a pattern's *, ? or [ in the "
                                 "output's own text (e.g. \"{{ item.id }}_*.txt\")");
        std::string why = PatternProblem(p);
        if (!why.empty())
          return Status::Invalid(tv.loc().ToString() + ": output '" + name + "' of task '" + t.display +
                                 "': the pattern '" + p + "' " + why);
      }
      if (decl.pattern && (!v.is_string() || !IsPattern(v.as_string())))
        return Status::Invalid(tv.loc().ToString() + ": output '" + name + "' of task '" + t.display +
                               "' must be one pattern, got " + v.kind_name() + " '" + v.ToString() + "'");
      t.outputs.Append(name, std::move(v));
    }
    ctx.roots.Set("output", Value(t.outputs));
    FERRY_RETURN_IF_ERROR(ScriptOf(spec).RenderShell(ctx, &t.script));
    ComputeHash(&t);
    FERRY_RETURN_IF_ERROR(AssignWorkDir(&t));
    for (const auto& rel : t.OutputPaths()) produced_.emplace(WorkPath(t.work_dir, rel), t.index);
  }

  graph->spec_tasks[spec_index] = {first, static_cast<uint32_t>(graph->tasks.size())};
  graph->spec_roots[spec_index] = SpecRoot(*graph, spec_index, first, static_cast<uint32_t>(graph->tasks.size()), {});
  return Status::Ok();
}

Value Expander::SpecRoot(const TaskGraph& graph, size_t spec_index, uint32_t first, uint32_t end,
                         const std::vector<uint32_t>& dropped) const {
  // What downstream templates see under this spec's name.
  const TaskSpec& spec = pipeline_.tasks[spec_index];
  auto is_dropped = [&](uint32_t i) { return std::find(dropped.begin(), dropped.end(), i) != dropped.end(); };
  ValueMap outputs;
  for (const auto& [name, tv] : spec.outputs) {
    auto abs_of = [&](const Task& t, const Value& rel) -> Value {
      if (rel.is_null()) return Value();  // an optional output the task did not make
      if (rel.is_list()) {
        ValueList l;
        for (const auto& r : rel.as_list()) l.push_back(Value(WorkPath(t.work_dir, r.ToString())));
        return Value(std::move(l));
      }
      return Value(WorkPath(t.work_dir, rel.ToString()));
    };
    if (spec.for_each) {
      ValueList all;
      for (uint32_t i = first; i < end; ++i) {
        if (is_dropped(i)) continue;
        const Task& t = graph.tasks[i];
        Value v = abs_of(t, *t.outputs.Find(name));
        if (v.is_list())
          for (const auto& e : v.as_list()) all.push_back(e);
        else if (!v.is_null()) all.push_back(std::move(v));
      }
      outputs.Set(name, Value(std::move(all)));
    } else if (end > first) {
      const Task& t = graph.tasks[first];
      outputs.Set(name, abs_of(t, *t.outputs.Find(name)));
    }
  }
  ValueMap root;
  root.Set("output", Value(std::move(outputs)));
  if (items_wanted_[spec_index]) {
    // One map per task: its item's fields, then its outputs by name (an
    // output named like a field replaces it), for join_on and chains that
    // keep the sample with its files.
    ValueList items;
    for (uint32_t i = first; i < end; ++i) {
      if (is_dropped(i)) continue;
      const Task& t = graph.tasks[i];
      ValueMap m;
      if (const Value* fields = t.ItemFields()) m = fields->as_map();
      for (const auto& [name, rel] : t.outputs) {
        if (rel.is_null()) {
          m.Set(name, Value());
        } else if (rel.is_list()) {
          ValueList l;
          for (const auto& r : rel.as_list()) l.push_back(Value(WorkPath(t.work_dir, r.ToString())));
          m.Set(name, Value(std::move(l)));
        } else {
          m.Set(name, Value(WorkPath(t.work_dir, rel.ToString())));
        }
      }
      items.emplace_back(std::move(m));
    }
    root.Set("items", Value(std::move(items)));
  }
  return Value(std::move(root));
}

Status Expander::Regather(const TaskGraph& graph, Task* task, const std::vector<uint32_t>& dropped) {
  EvalContext ctx;
  FERRY_RETURN_IF_ERROR(MakeContext(graph, *task, 1, &ctx));
  // The upstream specs some of whose tasks produced nothing: what their
  // names show this task is only what the others made.
  for (const auto& dep : task->spec->deps) {
    size_t j = 0;
    while (j < pipeline_.tasks.size() && pipeline_.tasks[j].name != dep) ++j;
    // The spec's tasks are the range the graph recorded when it made them.
    auto [first, end] = graph.spec_tasks[j];
    bool touched = std::any_of(dropped.begin(), dropped.end(), [&](uint32_t d) { return d >= first && d < end; });
    if (touched) ctx.roots.Set(dep, SpecRoot(graph, j, first, end, dropped));
  }
  AddDirectivesToTaskRoot(task->directives, ctx.roots.FindMutable("task"));
  ValueMap evaluated;
  for (const auto& [name, tv] : task->spec->inputs) {
    Value v;
    FERRY_RETURN_IF_ERROR(tv.Evaluate(ctx, &v));
    evaluated.Set(name, std::move(v));
  }
  // The graph's edges stay as they are (the driver already counted them).
  std::vector<uint32_t> deps = task->deps;
  task->staged.clear();
  task->inputs = ValueMap();
  FERRY_RETURN_IF_ERROR(StageInputs(task, evaluated));
  task->deps = std::move(deps);
  ctx.roots.Set("input", Value(task->inputs));
  ctx.roots.Set("output", Value(task->outputs));
  FERRY_RETURN_IF_ERROR(ScriptOf(*task->spec).RenderShell(ctx, &task->script));
  // A new identity, so -resume after the missing inputs appear runs the
  // gather again on all of them; the work dir stays the one every task
  // downstream reads from.
  ComputeHash(task);
  return Status::Ok();
}

Status Expander::RenderAttempt(const TaskGraph& graph, const Task& task, int attempt, Directives* directives,
                               std::string* script) {
  EvalContext ctx;
  FERRY_RETURN_IF_ERROR(MakeContext(graph, task, attempt, &ctx));
  FERRY_RETURN_IF_ERROR(ResolveDirectives(task, ctx, directives));
  AddDirectivesToTaskRoot(*directives, ctx.roots.FindMutable("task"));
  ctx.roots.Set("input", Value(task.inputs));
  ctx.roots.Set("output", Value(task.outputs));
  return ScriptOf(*task.spec).RenderShell(ctx, script);
}

}  // namespace ferry
