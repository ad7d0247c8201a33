// TaskGraph: every task instance of one run, expanded from the pipeline before
// anything executes. Tasks are stored in a topological order (a task's
// dependencies always come before it), each with its inputs staged under
// stable names, its rendered first-attempt script, its identity hash and work
// dir. Outputs are declared names inside work dirs, so nearly all of the graph
// is known up front, which is what makes -preview and -resume cheap. The
// exception is a step reading late outputs (patterns like "*.bam", optional
// files: pipeline.h OutputDecl) of another: its tasks are made by
// Expander::ExpandDeferred once every task of the steps it reads has ended,
// and appended (the order stays topological).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/directives.h"
#include "pipeline/pipeline.h"
#include "util/value.h"

namespace ferry {

// One input file as the task sees it: `source` (absolute path) is made
// visible in the work dir under the relative path `name`.
struct StagedInput {
  std::string source;
  std::string name;
};

struct Task {
  uint32_t index = 0;  // position in TaskGraph::tasks; task id = index + 1
  const TaskSpec* spec = nullptr;
  uint32_t spec_index = 0;  // position of spec in the pipeline
  int item_index = -1;      // position in the spec's for_each list, -1 without for_each
  std::string display;      // "count (3)" or "total"
  Value item;
  // A chained task's item is one upstream file; `carried` holds the fields
  // of the upstream task's item (a csv row, a pair), so item.sample still
  // reads them here. Null when the item is a map itself or came from no task.
  Value carried;
  ValueMap inputs;  // input name -> staged name(s) as templates see them
  // Output name -> path(s) relative to the work dir. A late output holds
  // its pattern (or optional path) until the task has ended, then what the
  // task left: a pattern's sorted matches, an optional path or null.
  ValueMap outputs;
  std::vector<StagedInput> staged;
  std::vector<uint32_t> deps;        // indices of tasks this one waits for
  std::vector<uint32_t> dependents;  // indices of tasks waiting for this one
  // The deps this task's item came from (a one-to-one chain): without
  // their outputs it cannot run. Its other deps are gathered from.
  std::vector<uint32_t> chain_deps;
  // Its `when:` condition is false: it is skipped, never run.
  bool when_false = false;
  std::string hash;       // hex identity of everything that determines the result
  std::string work_dir;   // absolute
  Directives directives;  // resolved for attempt 1
  std::string script;     // rendered for attempt 1

  uint64_t id() const { return index + 1ull; }
  // "ab/cdef12": the short form of the work dir shown in progress lines.
  std::string hash_prefix() const { return hash.substr(0, 2) + "/" + hash.substr(2, 6); }
  // Every output path, relative to the work dir, flattened.
  std::vector<std::string> OutputPaths() const;
  // The fields this task's item has or carries (a map), nullptr if none:
  // what a task chained on this one's outputs carries on.
  const Value* ItemFields() const;
};

struct TaskGraph {
  std::vector<Task> tasks;
  // Spec name -> number of tasks, in pipeline order; -1 for a deferred
  // spec whose tasks are not made yet.
  std::vector<std::pair<std::string, int>> per_process;
  // Per spec: its tasks [first, end) in `tasks`, once made.
  std::vector<std::pair<uint32_t, uint32_t>> spec_tasks;
  // The specs whose tasks are made later (they read late outputs), in the
  // order to make them (each after the specs it reads), each with the
  // specs it reads, all of whose tasks must have ended first.
  struct Deferred {
    uint32_t spec = 0;
    std::vector<uint32_t> reads;
  };
  std::vector<Deferred> deferred;
  // One stand-in task per deferred spec, with the directives its tasks are
  // expected to have (resolved without an item; none when that fails), so
  // a run sets up and preflights their executors before it starts.
  std::vector<Task> later;
  // Per spec (same order as the pipeline's tasks): the root value templates
  // see under the spec's name: {"output": {name: path or list of paths}}.
  std::vector<Value> spec_roots;
};

}  // namespace ferry
