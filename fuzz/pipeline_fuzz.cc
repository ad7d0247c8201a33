// Fuzzes LoadPipelineText: the whole pipeline.yml front end (user YAML with
// its alias budget, keys, templates, directive constants, references and
// cycles). Pipeline files come from users and are the first thing every
// `ferry run` reads, so any input must end in a spec or in an error that
// names the file (file:line:col), never in a crash, hang or blow-up.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_support.h"
#include "pipeline/pipeline.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ferry::PipelineSpec spec;
  ferry::Status st = ferry::LoadPipelineText(text, "fuzz/pipeline.yml", &spec);
  if (!st.ok()) {
    ferry::fuzz::Check(st.message().rfind("fuzz/pipeline.yml", 0) == 0, "a pipeline error does not name the file",
                       st.message());
    return 0;
  }
  // A loaded spec is usable: every task a task depends on exists.
  for (const ferry::TaskSpec& t : spec.tasks) {
    for (const std::string& d : t.deps) {
      ferry::fuzz::Check(spec.FindTask(d) != nullptr, "a task depends on a task the spec lacks", t.name + " -> " + d);
    }
  }
  return 0;
}
