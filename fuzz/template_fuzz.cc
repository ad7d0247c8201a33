// Fuzzes the template language ({{ expr }} in pipeline strings): parsing,
// plain evaluation and shell-quoted rendering, against names like a real
// task's (params, item, an upstream task's outputs) and an in-memory file
// host, so files(), lines(), csv() and tsv() run too. Templates are user
// text evaluated once per task and item; any of them must render or fail
// with a located error, never crash or build a huge value.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_support.h"
#include "pipeline/template.h"
#include "pipeline/test_support.h"

namespace {

ferry::EvalContext MakeContext(ferry::TemplateHost* host) {
  using ferry::Value;
  using ferry::ValueList;
  using ferry::ValueMap;
  ValueMap params;
  params.Set("samples", Value("data/*.txt"));
  params.Set("n", Value(int64_t{4}));
  params.Set("ratio", Value(1.5));
  params.Set("names", Value(ValueList{Value("a b"), Value("c'd"), Value("$e")}));
  ValueMap counts;
  counts.Set("counts", Value(ValueList{Value("/w/a.count"), Value("/w/b c.count")}));
  ValueMap count;
  count.Set("output", Value(counts));
  ValueMap task;
  task.Set("attempt", Value(int64_t{2}));
  ferry::EvalContext ctx;
  ctx.roots.Set("params", Value(params));
  ctx.roots.Set("item", Value("/data/in/sample_1.fastq.gz"));
  ctx.roots.Set("count", Value(count));
  ctx.roots.Set("task", Value(task));
  ctx.host = host;
  return ctx;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static ferry::testing::FakeHost* host = [] {
    auto* h = new ferry::testing::FakeHost;
    h->files["/base/data/a.txt"] = "x";
    h->files["/base/data/b.txt"] = "y";
    h->files["/base/list.txt"] = "one\r\n\ntwo\n  \nthree";
    h->files["/base/s.csv"] = "sample,fastq_1\nS1,\"a,b.fq\"\n\nS2,\"say \"\"hi\"\"\"\n";
    h->files["/base/s.tsv"] = "sample\tpath\nS1\t/x/1.fq\n";
    return h;
  }();
  static const ferry::EvalContext ctx = MakeContext(host);

  std::string_view text(reinterpret_cast<const char*>(data), size);
  ferry::Template t;
  ferry::Status st = ferry::Template::Parse(text, ferry::SourceLoc{"fuzz.yml", 3, 7}, &t);
  if (!st.ok()) {
    ferry::fuzz::Check(st.message().rfind("fuzz.yml:", 0) == 0, "a template syntax error is not located", st.message());
    return 0;
  }
  std::vector<ferry::Reference> refs;
  t.CollectReferences(&refs);
  ferry::Value v;
  ferry::Status ev = t.Evaluate(ctx, &v);
  std::string script;
  ferry::Status rs = t.RenderShell(ctx, &script);
  (void)rs;
  if (t.is_constant()) {
    ferry::fuzz::Check(ev.ok() && v.is_string() && v.as_string() == text,
                       "a constant template does not evaluate to its text");
  }
  return 0;
}
