// The task graph at the level a person reads it: one node per task name with
// its task count, one edge per pair of names where tasks of one wait for
// tasks of the other (with how many task-to-task links it stands for), so a
// fan-out and a gather show. Written as Graphviz DOT and as mermaid text;
// pure, so -preview and a run make the same files.
#pragma once

#include <string>
#include <vector>

#include "engine/task_graph.h"

namespace ferry {

struct NameGraph {
  struct Node {
    std::string name;
    int tasks = 0;
  };
  struct Edge {
    size_t from = 0, to = 0;  // indexes into nodes
    int links = 0;            // task dependencies it stands for
  };
  std::vector<Node> nodes;  // in pipeline order
  std::vector<Edge> edges;  // by (from, to)
};

NameGraph NameGraphOf(const TaskGraph& graph);

// A DOT digraph, top to bottom, nodes labelled "name\nN tasks".
std::string NameGraphDot(const NameGraph& g);
// A mermaid flowchart with the same nodes and edges.
std::string NameGraphMermaid(const NameGraph& g);

}  // namespace ferry
