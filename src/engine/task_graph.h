// TaskGraph: every task instance of one run, expanded from the pipeline before
// anything executes. Tasks are stored in a topological order (a task's
// dependencies always come before it), each with its inputs staged under
// stable names, its rendered first-attempt script, its identity hash and work
// dir. Because outputs are declared names inside work dirs, the whole graph is
// known up front, which is what makes -preview and -resume cheap.
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
  ValueMap inputs;   // input name -> staged name(s) as templates see them
  ValueMap outputs;  // output name -> path(s) relative to the work dir
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
  // Spec name -> number of tasks, in pipeline order.
  std::vector<std::pair<std::string, int>> per_process;
  // Per spec (same order as the pipeline's tasks): the root value templates
  // see under the spec's name: {"output": {name: path or list of paths}}.
  std::vector<Value> spec_roots;
};

}  // namespace ferry
