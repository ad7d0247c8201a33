#include "report/name_graph.h"

#include <map>

#include "pipeline/pipeline.h"

namespace ferry {

namespace {

// 0 links: to a step whose tasks are not made yet.
std::string LinkCount(int n) { return n > 0 ? std::to_string(n) : "later"; }

// n < 0: a step whose tasks are made once the outputs it reads are known.
std::string TaskCount(int n) {
  if (n < 0) return "tasks to be known";
  return std::to_string(n) + (n == 1 ? " task" : " tasks");
}

// A DOT double-quoted string: backslash and quote escaped, a newline as
// DOT's \n line break.
std::string DotQuoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// Mermaid labels sit in "..."; a quote there is written as #quot;.
std::string MermaidLabel(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"') out += "#quot;";
    else if (c == '<') out += "#lt;";
    else if (c == '>') out += "#gt;";
    else out += c;
  }
  return out;
}

}  // namespace

NameGraph NameGraphOf(const TaskGraph& graph) {
  NameGraph g;
  std::map<std::string, size_t> index;
  for (const auto& [name, n] : graph.per_process) {
    index.emplace(name, g.nodes.size());
    g.nodes.push_back({name, n});
  }
  auto node_of = [&](const Task& t) {
    auto [it, added] = index.emplace(t.spec->name, g.nodes.size());
    if (added) g.nodes.push_back({t.spec->name, 0});
    return it->second;
  };
  std::map<std::pair<size_t, size_t>, int> links;
  for (const Task& t : graph.tasks) {
    size_t to = node_of(t);
    for (uint32_t d : t.deps) links[{node_of(graph.tasks[d]), to}]++;
  }
  // A step whose tasks are not made yet still shows what it reads.
  for (const auto& later : graph.deferred)
    for (uint32_t j : later.reads) links[{j, later.spec}] += 0;
  for (const auto& [ends, n] : links) g.edges.push_back({ends.first, ends.second, n});
  return g;
}

std::string NameGraphDot(const NameGraph& g) {
  std::string out =
      "digraph ferry {\n"
      "  rankdir=TB;\n"
      "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#eef3f8\", color=\"#4e79a7\", "
      "fontname=\"Helvetica\", fontsize=11];\n"
      "  edge [color=\"#5b6670\", fontname=\"Helvetica\", fontsize=9];\n";
  for (size_t i = 0; i < g.nodes.size(); ++i)
    out += "  n" + std::to_string(i) + " [label=" + DotQuoted(g.nodes[i].name + "\n" + TaskCount(g.nodes[i].tasks)) +
           "];\n";
  for (const auto& e : g.edges)
    out += "  n" + std::to_string(e.from) + " -> n" + std::to_string(e.to) +
           " [label=" + DotQuoted(LinkCount(e.links)) + "];\n";
  return out + "}\n";
}

std::string NameGraphMermaid(const NameGraph& g) {
  std::string out = "flowchart TD\n";
  for (size_t i = 0; i < g.nodes.size(); ++i)
    out += "  n" + std::to_string(i) + "[\"" + MermaidLabel(g.nodes[i].name) + "<br/>" + TaskCount(g.nodes[i].tasks) +
           "\"]\n";
  for (const auto& e : g.edges)
    out += "  n" + std::to_string(e.from) + " -->|" + LinkCount(e.links) + "| n" + std::to_string(e.to) + "\n";
  return out;
}

}  // namespace ferry
