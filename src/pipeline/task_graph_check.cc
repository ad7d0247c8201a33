#include "pipeline/task_graph_check.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string>

#include "util/text.h"

namespace ferry {

namespace {

// Where in a task a template stands decides which names it may use, in the
// order the engine evaluates them: for_each, directives, inputs, outputs,
// script.
enum class Site { kForEach, kInput, kOutput, kScript, kDirective };

const char* SiteName(Site s) {
  switch (s) {
    case Site::kForEach: return "for_each";
    case Site::kInput: return "input";
    case Site::kOutput: return "output";
    case Site::kScript: return "script";
    case Site::kDirective: return "a directive";
  }
  return "";
}

bool Declares(const NamedTemplates& list, const std::string& name) {
  return std::any_of(list.begin(), list.end(), [&](const auto& e) { return e.first == name; });
}

std::vector<std::string> Names(const NamedTemplates& list) {
  std::vector<std::string> out;
  for (const auto& e : list) out.push_back(e.first);
  return out;
}

Status Err(const SourceLoc& loc, const std::string& msg) { return Status::Invalid(loc.ToString() + ": " + msg); }

struct Checker {
  const std::vector<TaskSpec>& tasks;
  std::map<std::string, const TaskSpec*> by_name;
  // Per task: referenced task -> where the first reference stands.
  std::vector<std::map<std::string, SourceLoc>> edges;

  Status CheckRef(size_t ti, Site site, const Reference& ref) {
    const TaskSpec& task = tasks[ti];
    const std::string& root = ref.path[0];
    auto loc_of = [&](size_t i) { return i < ref.part_locs.size() ? ref.part_locs[i] : ref.loc; };
    if (root == "params") return Status::Ok();
    if (root == "item") {
      if (!task.for_each) {
        return Err(ref.loc, "'item' is only defined in tasks with for_each, and task '" + task.name +
                                "' has none (add for_each: \"{{ files(...) }}\" or remove the reference)");
      }
      if (site == Site::kForEach) {
        return Err(ref.loc, "'item' cannot be used inside for_each itself (it is each element of for_each's list)");
      }
      return Status::Ok();
    }
    if (root == "task") {
      if (site == Site::kForEach) {
        return Err(ref.loc, "'task' cannot be used in for_each (no task exists yet)");
      }
      return Status::Ok();
    }
    if (root == "input" || root == "output") {
      const bool is_input = root == "input";
      const NamedTemplates& decl = is_input ? task.inputs : task.outputs;
      // The engine resolves directives first (inputs may use task.cpus), then
      // inputs, outputs and the script.
      bool allowed = is_input ? (site == Site::kOutput || site == Site::kScript) : site == Site::kScript;
      if (!allowed) {
        return Err(ref.loc, "'" + root + "' cannot be used in " + SiteName(site) + " (" + root + ".* is available in " +
                                (is_input ? "output and script" : "script") + ")");
      }
      if (ref.path.size() < 2) {
        return Err(ref.loc, "use " + root + ".NAME to refer to one " + root + " of task '" + task.name + "'" +
                                (decl.empty() ? "" : " (" + Join(Names(decl), ", ") + ")"));
      }
      const std::string& x = ref.path[1];
      if (!Declares(decl, x)) {
        return Err(loc_of(1), "task '" + task.name + "' has no " + root + " '" + x + "'" + DidYouMean(x, Names(decl)) +
                                  (decl.empty() ? " (it declares no " + root + "s)"
                                                : " (declared: " + Join(Names(decl), ", ") + ")"));
      }
      return Status::Ok();
    }
    auto it = by_name.find(root);
    if (it != by_name.end()) {
      const TaskSpec& other = *it->second;
      if (ref.path.size() >= 2 && ref.path[1] == "items") {
        if (other.name == task.name) {
          return Err(ref.loc, "cycle in task graph: " + task.name + " -> " + task.name + " (task '" + task.name +
                                  "' refers to its own items; inside a task write item)");
        }
        edges[ti].emplace(root, ref.loc);
        return Status::Ok();
      }
      if (ref.path.size() < 3 || ref.path[1] != "output") {
        std::string example = other.outputs.empty() ? "NAME" : other.outputs[0].first;
        return Err(ref.loc, "refer to one output of task '" + root + "', e.g. " + root + ".output." + example +
                                " (or " + root + ".items: one map per task, its item's fields and its outputs)");
      }
      const std::string& x = ref.path[2];
      if (other.name == task.name) {
        return Err(ref.loc, "cycle in task graph: " + task.name + " -> " + task.name + " (task '" + task.name +
                                "' refers to its own output; inside a task write output." + x + ")");
      }
      if (!Declares(other.outputs, x)) {
        return Err(loc_of(2), "task '" + root + "' has no output '" + x + "'" + DidYouMean(x, Names(other.outputs)) +
                                  (other.outputs.empty() ? " (it declares no outputs)"
                                                         : " (declared: " + Join(Names(other.outputs), ", ") + ")"));
      }
      edges[ti].emplace(root, ref.loc);
      return Status::Ok();
    }
    const auto& funcs = TemplateFunctionNames();
    if (std::find(funcs.begin(), funcs.end(), root) != funcs.end()) {
      return Err(ref.loc, "'" + root + "' is a function; call it, e.g. " + root + "(...)");
    }
    std::vector<std::string> candidates = {"params", "task"};
    if (task.for_each && site != Site::kForEach) candidates.push_back("item");
    if (site == Site::kOutput || site == Site::kScript) candidates.push_back("input");
    if (site == Site::kScript) candidates.push_back("output");
    for (const auto& t : tasks) candidates.push_back(t.name);
    return Err(ref.loc, "unknown name '" + root + "'" + DidYouMean(root, candidates) +
                            "; names here: " + Join(candidates, ", "));
  }

  Status CheckTemplates(size_t ti, Site site, const TemplateValue& v) {
    std::vector<Reference> refs;
    v.CollectReferences(&refs);
    for (const auto& r : refs) FERRY_RETURN_IF_ERROR(CheckRef(ti, site, r));
    return Status::Ok();
  }
};

}  // namespace

Status CheckTaskReferences(std::vector<TaskSpec>* tasks_ptr) {
  std::vector<TaskSpec>& tasks = *tasks_ptr;
  Checker c{tasks, {}, {}};
  c.edges.resize(tasks.size());
  for (const auto& t : tasks) c.by_name[t.name] = &t;

  for (size_t ti = 0; ti < tasks.size(); ++ti) {
    const TaskSpec& t = tasks[ti];
    if (t.for_each) FERRY_RETURN_IF_ERROR(c.CheckTemplates(ti, Site::kForEach, *t.for_each));
    for (const auto& [n, v] : t.inputs) FERRY_RETURN_IF_ERROR(c.CheckTemplates(ti, Site::kInput, v));
    for (const auto& [n, v] : t.outputs) FERRY_RETURN_IF_ERROR(c.CheckTemplates(ti, Site::kOutput, v));
    {
      std::vector<Reference> refs;
      t.script.CollectReferences(&refs);
      if (t.stub) t.stub->CollectReferences(&refs);  // the same names as the script
      for (const auto& r : refs) FERRY_RETURN_IF_ERROR(c.CheckRef(ti, Site::kScript, r));
    }
    for (const auto& [n, v] : t.directives) FERRY_RETURN_IF_ERROR(c.CheckTemplates(ti, Site::kDirective, v));
    if (t.when) FERRY_RETURN_IF_ERROR(c.CheckTemplates(ti, Site::kDirective, *t.when));
  }

  std::map<std::string, size_t> index;
  for (size_t i = 0; i < tasks.size(); ++i) index[tasks[i].name] = i;
  for (size_t i = 0; i < tasks.size(); ++i) {
    tasks[i].deps.clear();
    for (const auto& t : tasks) {
      if (c.edges[i].count(t.name)) tasks[i].deps.push_back(t.name);
    }
  }

  // Cycle search: depth-first, in file order, so the reported cycle starts at
  // the earliest task that is part of it.
  std::vector<int> state(tasks.size(), 0);  // 0 new, 1 on stack, 2 done
  std::vector<size_t> stack;
  std::vector<size_t> cycle;
  std::function<bool(size_t)> visit = [&](size_t i) -> bool {
    state[i] = 1;
    stack.push_back(i);
    for (const auto& d : tasks[i].deps) {
      size_t j = index[d];
      if (state[j] == 1) {
        auto from = std::find(stack.begin(), stack.end(), j);
        cycle.assign(from, stack.end());
        return true;
      }
      if (state[j] == 0 && visit(j)) return true;
    }
    stack.pop_back();
    state[i] = 2;
    return false;
  };
  for (size_t i = 0; i < tasks.size() && cycle.empty(); ++i) {
    if (state[i] == 0) visit(i);
  }
  if (!cycle.empty()) {
    auto first = std::min_element(cycle.begin(), cycle.end());
    std::rotate(cycle.begin(), first, cycle.end());
    std::string names;
    for (size_t i : cycle) names += tasks[i].name + " -> ";
    names += tasks[cycle[0]].name;
    const std::string& next = tasks[cycle.size() > 1 ? cycle[1] : cycle[0]].name;
    const SourceLoc& loc = c.edges[cycle[0]].at(next);
    return Err(loc, "cycle in task graph: " + names +
                        " (each task waits for the next one's outputs; remove one of these references)");
  }
  return Status::Ok();
}

}  // namespace ferry
