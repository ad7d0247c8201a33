// Expander: turns a loaded pipeline, its params and the config into the
// TaskGraph of one run: evaluates for_each lists, stages inputs, layers the
// directives, renders scripts, computes identity hashes and work dirs. It
// also re-renders a task for a later attempt (retries see task.attempt).
// File access is limited to what templates ask for (through TemplateHost) and
// a stat() of each local input for its identity.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engine/task_graph.h"
#include "pipeline/pipeline.h"
#include "pipeline/template.h"
#include "util/status.h"
#include "util/value.h"

namespace ferry {

class Config;

struct ExpandOptions {
  std::string launch_dir;  // absolute; relative paths resolve against it
  std::string work_root;   // absolute work dir root of tasks on local executors
  // s3://bucket/path: work dir root of tasks on the executors listed in
  // s3_executors, whose work dirs must be on S3. Empty: none given.
  std::string s3_work_root;
  std::vector<std::string> s3_executors = {"awsbatch"};
  Value params;                    // final params (file defaults, config, -params-file, --x)
  const Config* config = nullptr;  // may be null (no config files)
  // -stub-run: tasks with a `stub:` run it instead of their script (and get
  // an identity of their own); tasks without one run their script.
  bool stub_run = false;
  // The pipeline's bin/ (launch/pipeline_bin.h): its digest is part of every
  // task's identity, so editing a script there re-runs the tasks on -resume.
  // Empty: the pipeline has no bin/.
  std::string bin_digest;
};

class Expander {
 public:
  Expander(const PipelineSpec& pipeline, ExpandOptions opts, TemplateHost* host);
  ~Expander();

  // Makes every task it can up front; specs reading late outputs are left
  // in graph->deferred (per_process -1) for ExpandDeferred.
  Status Expand(TaskGraph* graph);

  // Makes the tasks of deferred spec `spec_index` once every task of the
  // specs it reads has ended, with their late outputs resolved in their
  // Task::outputs; `nothing` lists those tasks that produced nothing
  // (ignored failures, skips), left out of what it reads. Appends the tasks
  // (from graph->tasks.size() on) with their deps and dependents.
  Status ExpandDeferred(TaskGraph* graph, uint32_t spec_index, const std::vector<uint32_t>& nothing);

  // Re-renders a task that gathers outputs of other tasks when the tasks
  // `dropped` (indices) produced nothing (failed under errorStrategy ignore,
  // or were skipped): inputs, script and identity hash then cover only what
  // the others made. Its work dir is unchanged.
  Status Regather(const TaskGraph& graph, Task* task, const std::vector<uint32_t>& dropped);

  // Directives and script of `task` for attempt `attempt` (>= 1).
  Status RenderAttempt(const TaskGraph& graph, const Task& task, int attempt, Directives* directives,
                       std::string* script);

 private:
  Status ExpandSpec(size_t spec_index, TaskGraph* graph);
  void FindWantedItems();  // fills items_wanted_
  // Which specs are deferred (graph->deferred), and the executors they will use.
  Status FindDeferred(TaskGraph* graph, std::vector<size_t>* order);
  void LinkDependents(TaskGraph* graph, uint32_t first);
  // What templates see under spec `spec_index`'s name: the outputs of its
  // tasks [first, end) but those in `dropped`.
  Value SpecRoot(const TaskGraph& graph, size_t spec_index, uint32_t first, uint32_t end,
                 const std::vector<uint32_t>& dropped) const;
  Status MakeContext(const TaskGraph& graph, const Task& task, int attempt, EvalContext* ctx);
  Status ResolveDirectives(const Task& task, const EvalContext& ctx, Directives* out);
  Status EvalConfigValue(const Value& v, const EvalContext& ctx, const std::string& key, Value* out);
  Status StageInputs(Task* task, const ValueMap& evaluated);
  void ComputeHash(Task* task);
  // The template a task of `spec` runs: its stub under -stub-run, else its script.
  const Template& ScriptOf(const TaskSpec& spec) const;
  Status AssignWorkDir(Task* task);
  // An input or item path as a source: s3:// URLs as given, else absolute.
  std::string SourcePath(const std::string& p) const;

  const PipelineSpec& pipeline_;
  ExpandOptions opts_;
  TemplateHost* host_;
  std::vector<std::pair<std::string, std::string>> env_;  // config env scope, for the hash
  // Output path (absolute) -> producing task index, for dependency discovery.
  std::unordered_map<std::string, uint32_t> produced_;
  std::unordered_set<std::string> seen_hashes_;
  // Per staged input of the task being expanded: is it an upstream output?
  std::vector<bool> staged_upstream_;
  // Parsed config strings that hold templates, by text.
  std::unordered_map<std::string, std::unique_ptr<Template>> config_templates_;
  ValueMap process_defaults_;
  std::vector<bool> items_wanted_;  // per spec: some template reads TASK.items
  std::vector<bool> deferred_;      // per spec: its tasks are made by ExpandDeferred
  std::vector<bool> found_noted_;   // per late spec: its found outputs are in produced_
  std::unordered_map<std::string, ValueMap> overrides_cache_;
};

}  // namespace ferry
