// Random inputs must never crash the parser, the evaluator, the shell
// scanner or the YAML loader: every outcome is either a result or an Invalid
// status with a position. (Run under ASan/UBSan in CI.)
#include <gtest/gtest.h>

#include <random>

#include "pipeline/pipeline.h"
#include "pipeline/shell_context.h"
#include "pipeline/template.h"

namespace ferry {
namespace {

std::string RandomText(std::mt19937* rng, const std::vector<std::string>& pieces, int max_pieces) {
  std::uniform_int_distribution<int> count(0, max_pieces);
  std::uniform_int_distribution<size_t> pick(0, pieces.size() - 1);
  std::string s;
  for (int i = count(*rng); i > 0; --i) s += pieces[pick(*rng)];
  return s;
}

TEST(RobustnessTest, RandomTemplatesNeverCrash) {
  const std::vector<std::string> pieces = {"{{",
                                           "}}",
                                           " ",
                                           "a",
                                           "item",
                                           ".",
                                           "name",
                                           "(",
                                           ")",
                                           "[",
                                           "]",
                                           "0",
                                           "-1",
                                           "1.5",
                                           "+",
                                           "-",
                                           "*",
                                           "/",
                                           "'",
                                           "\"",
                                           "\\",
                                           "\n",
                                           "files",
                                           "range",
                                           "raw",
                                           "len",
                                           "join",
                                           ",",
                                           "$",
                                           "`",
                                           "#",
                                           "<<",
                                           "EOF",
                                           "$(",
                                           "{",
                                           "}",
                                           "é",
                                           "\t",
                                           "x",
                                           "params",
                                           "9999999999999999999999"};
  std::mt19937 rng(12345);
  EvalContext ctx;
  ValueMap params;
  params.Set("a", Value(ValueList{Value("x y"), Value("it's")}));
  ctx.roots.Set("params", Value(params));
  ctx.roots.Set("item", Value("/d/f.txt"));
  ctx.roots.Set("a", Value(int64_t{0}));
  int parsed = 0, failed = 0;
  for (int i = 0; i < 4000; ++i) {
    std::string text = RandomText(&rng, pieces, 14);
    Template t;
    Status st = Template::Parse(text, SourceLoc{"f.yml", 3, 5}, &t);
    if (!st.ok()) {
      ++failed;
      EXPECT_EQ(st.message().rfind("f.yml:", 0), 0u) << text << " -> " << st.message();
      continue;
    }
    ++parsed;
    Value v;
    Status e = t.Evaluate(ctx, &v);
    if (!e.ok()) {
      EXPECT_EQ(e.message().rfind("f.yml:", 0), 0u) << text << " -> " << e.message();
    }
    std::string script;
    e = t.RenderShell(ctx, &script);
    if (!e.ok()) {
      EXPECT_EQ(e.message().rfind("f.yml:", 0), 0u) << text << " -> " << e.message();
    }
  }
  EXPECT_GT(parsed, 100);
  EXPECT_GT(failed, 100);
}

TEST(RobustnessTest, RandomShellTextNeverCrashes) {
  const std::vector<std::string> pieces = {"'",  "\"",  "\\",  "$(",    ")",  "$((", "`",  "#", " ",   "\n",
                                           "<<", "<<-", "EOF", "'EOF'", "\t", "x",   "$'", "(", "<<<", ";"};
  std::mt19937 rng(7);
  for (int i = 0; i < 4000; ++i) {
    ShellScanner s;
    std::string text = RandomText(&rng, pieces, 30);
    (void)s.Feed(text);
    std::string out;
    Status st = QuoteForShell({"a\nb", "c'd"}, true, ShellValueKind::kText, s, &out);
    if (st.ok()) (void)s.NoteInserted(out);
  }
}

TEST(RobustnessTest, RandomYamlNeverCrashes) {
  const std::vector<std::string> pieces = {
      "tasks:",   "params:", "\n", "  ", "a:", "script:", " |", " >",  " x", " '{{ a }}'", " \"{{ b.output.o }}\"",
      "output:",  "o: y",    "- ", "[",  "]",  "{",       "}",  "&x ", "*x", "!!str ",     "for_each:",
      " {{ item", "cpus: 2", "#"};
  std::mt19937 rng(99);
  for (int i = 0; i < 3000; ++i) {
    std::string text = RandomText(&rng, pieces, 25);
    PipelineSpec spec;
    Status st = LoadPipelineText(text, "y.yml", &spec);
    if (!st.ok()) {
      EXPECT_EQ(st.message().rfind("y.yml", 0), 0u) << text << " -> " << st.message();
    }
  }
}

}  // namespace
}  // namespace ferry
