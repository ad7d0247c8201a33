// Pipelines shared by the engine module's tests, and their expansion.
#pragma once

#include <memory>
#include <string>

#include "config/config_testing.h"
#include "engine/expander.h"
#include "pipeline/test_support.h"

namespace ferry::engine_testing {

// A pipeline expanded into a task graph whose work dirs are under root/work.
struct Expanded {
  PipelineSpec spec;
  Config config;
  testing::FakeHost host;
  std::unique_ptr<Expander> expander;
  TaskGraph graph;
  bool stub_run = false;   // ExpandOptions::stub_run
  std::string bin_digest;  // ExpandOptions::bin_digest

  Status Load(const std::string& pipeline, const std::string& config_text, const std::string& root) {
    FERRY_RETURN_IF_ERROR(LoadPipelineText(pipeline, "pipeline.yml", &spec));
    FERRY_RETURN_IF_ERROR(config_testing::LoadFrom(config_text, &config));
    ExpandOptions o;
    o.launch_dir = root;
    o.work_root = root + "/work";
    o.params = Value::EmptyMap();
    o.config = &config;
    o.stub_run = stub_run;
    o.bin_digest = bin_digest;
    expander = std::make_unique<Expander>(spec, o, &host);
    graph = TaskGraph();
    return expander->Expand(&graph);
  }
};

// `split` writes part<N>.txt for N in 1..items (one task per item), with
// split_settings (YAML lines indented by four spaces, e.g. "    cpus: 16\n")
// added to its definition; `merge` concatenates every part into all.txt.
inline std::string SplitMergePipeline(int items, const std::string& split_settings) {
  return R"(
tasks:
  split:
    for_each: "{{ range(1, )" +
         std::to_string(items + 1) + R"() }}"
)" + split_settings +
         R"(    output:
      part: "part{{ item }}.txt"
    script: |
      echo {{ item }} > {{ output.part }}
  merge:
    input:
      parts: "{{ split.output.part }}"
    output:
      all: all.txt
    script: |
      cat {{ input.parts }} > {{ output.all }}
)";
}

}  // namespace ferry::engine_testing
