#include "report/name_graph.h"

#include <gtest/gtest.h>

#include "pipeline/pipeline.h"
#include "report/graph_layout.h"

namespace ferry {
namespace {

// count x3 -> total: a fan-out then a gather.
struct WordcountGraph {
  TaskSpec count, total;
  TaskGraph graph;
  WordcountGraph() {
    count.name = "count";
    total.name = "total \"all\"";
    for (uint32_t i = 0; i < 3; ++i) {
      Task t;
      t.index = i;
      t.spec = &count;
      graph.tasks.push_back(t);
    }
    Task gather;
    gather.index = 3;
    gather.spec = &total;
    gather.deps = {0, 1, 2};
    graph.tasks.push_back(gather);
    graph.per_process = {{"count", 3}, {"total \"all\"", 1}};
  }
};

// A step made once a pattern's files are known shows, before it is made,
// with what it reads and no count.
TEST(NameGraph, AStepMadeLaterShowsWhatItReads) {
  WordcountGraph w;
  w.graph.tasks.pop_back();
  w.graph.per_process[1].second = -1;
  w.graph.deferred.push_back({1, {0}});
  std::string mermaid = NameGraphMermaid(NameGraphOf(w.graph));
  EXPECT_NE(mermaid.find("tasks to be known"), std::string::npos) << mermaid;
  EXPECT_NE(mermaid.find("n0 -->|later| n1"), std::string::npos) << mermaid;
}

TEST(NameGraph, OneNodePerNameOneEdgePerPair) {
  WordcountGraph w;
  NameGraph g = NameGraphOf(w.graph);
  ASSERT_EQ(g.nodes.size(), 2u);
  EXPECT_EQ(g.nodes[0].name, "count");
  EXPECT_EQ(g.nodes[0].tasks, 3);
  ASSERT_EQ(g.edges.size(), 1u);
  EXPECT_EQ(g.edges[0].from, 0u);
  EXPECT_EQ(g.edges[0].to, 1u);
  EXPECT_EQ(g.edges[0].links, 3);
}

TEST(NameGraph, DotAndMermaidText) {
  WordcountGraph w;
  NameGraph g = NameGraphOf(w.graph);
  std::string dot = NameGraphDot(g);
  EXPECT_NE(dot.find("n0 [label=\"count\\n3 tasks\"];"), std::string::npos) << dot;
  EXPECT_NE(dot.find("n1 [label=\"total \\\"all\\\"\\n1 task\"];"), std::string::npos) << dot;
  EXPECT_NE(dot.find("n0 -> n1 [label=\"3\"];"), std::string::npos) << dot;
  EXPECT_EQ(NameGraphMermaid(g),
            "flowchart TD\n"
            "  n0[\"count<br/>3 tasks\"]\n"
            "  n1[\"total #quot;all#quot;<br/>1 task\"]\n"
            "  n0 -->|3| n1\n");
}

TEST(GraphLayout, GraphvizDrawsEveryNodeAndEdge) {
  WordcountGraph w;
  std::string svg;
  ASSERT_TRUE(LayOutSvg(NameGraphDot(NameGraphOf(w.graph)), &svg).ok());
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find(">count</text>"), std::string::npos) << svg;
  EXPECT_NE(svg.find(">3 tasks</text>"), std::string::npos) << svg;
  EXPECT_NE(svg.find("class=\"edge\""), std::string::npos);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
}

TEST(GraphLayout, UnreadableDotIsAnError) {
  std::string svg;
  EXPECT_FALSE(LayOutSvg("digraph {", &svg).ok());
}

}  // namespace
}  // namespace ferry
