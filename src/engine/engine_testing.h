// Pipelines shared by the engine module's tests.
#pragma once

#include <string>

namespace ferry::engine_testing {

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
