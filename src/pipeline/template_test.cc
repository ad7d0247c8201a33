#include "pipeline/template.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "pipeline/path_props.h"
#include "pipeline/test_support.h"

namespace ferry {
namespace {

using testing::FakeHost;
using testing::MustParse;

class TemplateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ValueMap params;
    params.Set("samples", Value("data/*.txt"));
    params.Set("outdir", Value("results"));
    params.Set("n", Value(int64_t{4}));
    params.Set("ratio", Value(1.5));
    ValueMap nested;
    nested.Set("region", Value("eu-west-1"));
    params.Set("aws", Value(nested));
    ctx.roots.Set("params", Value(params));
    ctx.roots.Set("item", Value("/data/in/sample_1.fastq.gz"));
    ValueMap counts_out;
    counts_out.Set("counts", Value(ValueList{Value("/w/a.count"), Value("/w/b.count"), Value("/w/c d.count")}));
    ValueMap count;
    count.Set("output", Value(counts_out));
    ctx.roots.Set("count", Value(count));
    ValueMap task;
    task.Set("attempt", Value(int64_t{2}));
    ctx.roots.Set("task", Value(task));
    host.files["/base/data/a.txt"] = "x";
    host.files["/base/data/b.txt"] = "y";
    host.files["/base/list.txt"] = "one\r\n\ntwo\n  \nthree";
    host.files["/base/s.csv"] = "sample,fastq_1\nS1,\"a,b.fq\"\n\nS2,\"say \"\"hi\"\"\"\n";
    host.files["/base/s.tsv"] = "sample\tpath\nS1\t/x/1.fq\n";
    host.files["/base/bad.csv"] = "a,b\n1,2\n3\n";
    ctx.host = &host;
  }

  Value Eval(const std::string& text) {
    Template t = MustParse(text);
    Value v;
    Status st = t.Evaluate(ctx, &v);
    EXPECT_TRUE(st.ok()) << text << ": " << st.message();
    return v;
  }
  std::string EvalError(const std::string& text) {
    Template t = MustParse(text);
    Value v;
    Status st = t.Evaluate(ctx, &v);
    EXPECT_FALSE(st.ok()) << text << " unexpectedly gave " << v.ToJson();
    EXPECT_EQ(st.kind(), Status::Kind::kInvalidInput);
    return st.message();
  }
  std::string ParseError(const std::string& text, SourceLoc loc = SourceLoc{"t.yml", 1, 1}) {
    Template t;
    Status st = Template::Parse(text, loc, &t);
    EXPECT_FALSE(st.ok()) << text;
    return st.message();
  }

  EvalContext ctx;
  FakeHost host;
};

TEST_F(TemplateTest, ConstantTextStaysText) {
  Template t = MustParse("just text, with $HOME and ${X} and awk '{print $1}'");
  EXPECT_TRUE(t.is_constant());
  EXPECT_EQ(Eval("just text {braces} }} here").as_string(), "just text {braces} }} here");
}

TEST_F(TemplateTest, WholeExpressionKeepsType) {
  Value list = Eval("  {{ count.output.counts }}\n");
  ASSERT_TRUE(list.is_list());
  EXPECT_EQ(list.as_list().size(), 3u);
  Value n = Eval("{{ params.n }}");
  ASSERT_TRUE(n.is_int());
  EXPECT_EQ(n.as_int(), 4);
  EXPECT_FALSE(MustParse("{{ params.n }}").is_constant());
}

TEST_F(TemplateTest, ConcatenatesIntoString) {
  EXPECT_EQ(Eval("{{ item.stem }}.count").as_string(), "sample_1.fastq.count");
  EXPECT_EQ(Eval("n={{ params.n }} r={{ params.ratio }}").as_string(), "n=4 r=1.5");
  EXPECT_EQ(Eval("all: {{ count.output.counts }}").as_string(), "all: /w/a.count /w/b.count /w/c d.count");
  EXPECT_EQ(Eval("{{params.aws.region}}").as_string(), "eu-west-1");
}

TEST_F(TemplateTest, ComparisonsGiveBooleans) {
  EXPECT_EQ(Eval("{{ params.n == 4 }}"), Value(true));
  EXPECT_EQ(Eval("{{ params.n == 4.0 }}"), Value(true));  // numbers by value
  EXPECT_EQ(Eval("{{ params.n != 4 }}"), Value(false));
  EXPECT_EQ(Eval("{{ params.outdir == 'results' }}"), Value(true));
  EXPECT_EQ(Eval("{{ params.n == '4' }}"), Value(false));  // a number is not its text
  EXPECT_EQ(Eval("{{ 1 + 1 == 2 }}"), Value(true));        // below arithmetic
  EXPECT_EQ(ParseError("{{ 1 == 1 == 1 }}"),
            "t.yml:1:11: comparisons cannot be chained (a == b == c); compare two values");
  EXPECT_EQ(ParseError("{{ params.n = 4 }}"), "t.yml:1:13: single '=' in an expression (compare with '==')");
}

TEST_F(TemplateTest, AChainedItemReadsTheFieldsItCarries) {
  ValueMap fields;
  fields.Set("sample", Value("S1"));
  ctx.item_fields = &fields;
  EXPECT_EQ(Eval("{{ item.sample }}-{{ item.stem }}").as_string(), "S1-sample_1.fastq");
  std::string err = EvalError("{{ item.smaple }}");
  EXPECT_NE(err.find("has no field 'smaple' (did you mean 'sample'?)"), std::string::npos) << err;
  EXPECT_NE(err.find("(keys: sample)"), std::string::npos) << err;
  ctx.item_fields = nullptr;
  EXPECT_NE(EvalError("{{ item.sample }}").find("is a string, which has no property 'sample'"), std::string::npos);
}

TEST_F(TemplateTest, Arithmetic) {
  EXPECT_EQ(Eval("{{ 1 + 2 * 3 }}"), Value(int64_t{7}));
  EXPECT_EQ(Eval("{{ (1 + 2) * 3 }}"), Value(int64_t{9}));
  EXPECT_EQ(Eval("{{ 20 - 4 - 3 }}"), Value(int64_t{13}));  // grouped from the left
  EXPECT_EQ(Eval("{{ 24 / 4 / 2 }}"), Value(int64_t{3}));
  EXPECT_EQ(Eval("{{ 2 * task.attempt }} GB").as_string(), "4 GB");
  EXPECT_EQ(Eval("{{ 7 / 2 }}"), Value(3.5));
  EXPECT_EQ(Eval("{{ 8 / 2 }}"), Value(int64_t{4}));
  EXPECT_EQ(Eval("{{ -params.n + 1 }}"), Value(int64_t{-3}));
  EXPECT_EQ(Eval("{{ params.ratio * 2 }}"), Value(3.0));
  EXPECT_EQ(Eval("{{ 10 - 2 - 3 }}"), Value(int64_t{5}));
  EXPECT_EQ(Eval("{{ 0.5 + 0.25 }}"), Value(0.75));
}

TEST_F(TemplateTest, StringConcatenationAndLiterals) {
  EXPECT_EQ(Eval("{{ params.outdir + '/' + item.name }}").as_string(), "results/sample_1.fastq.gz");
  EXPECT_EQ(Eval("{{ 'run' + params.n }}").as_string(), "run4");
  EXPECT_EQ(Eval("{{ \"a\\\"b\" + 'c\\'d' }}").as_string(), "a\"bc'd");
  EXPECT_EQ(Eval("{{ '}}' }}").as_string(), "}}");
  Value both = Eval("{{ count.output.counts + count.output.counts }}");
  EXPECT_EQ(both.as_list().size(), 6u);
}

TEST_F(TemplateTest, IndexingLists) {
  EXPECT_EQ(Eval("{{ count.output.counts[0] }}").as_string(), "/w/a.count");
  EXPECT_EQ(Eval("{{ count.output.counts[-1].name }}").as_string(), "c d.count");
  EXPECT_EQ(Eval("{{ params['outdir'] }}").as_string(), "results");
  std::string e = EvalError("{{ count.output.counts[3] }}");
  EXPECT_NE(e.find("index 3 is out of range for count.output.counts, a list of 3 values"), std::string::npos) << e;
}

TEST_F(TemplateTest, PathProperties) {
  EXPECT_EQ(Eval("{{ item.name }}").as_string(), "sample_1.fastq.gz");
  EXPECT_EQ(Eval("{{ item.stem }}").as_string(), "sample_1.fastq");
  EXPECT_EQ(Eval("{{ item.ext }}").as_string(), "gz");
  EXPECT_EQ(Eval("{{ item.dir }}").as_string(), "/data/in");
  EXPECT_EQ(Eval("{{ item.stem.stem }}").as_string(), "sample_1");
  EXPECT_EQ(PathStem(".bashrc"), ".bashrc");
  EXPECT_EQ(PathExt(".bashrc"), "");
  EXPECT_EQ(PathExt("Makefile"), "");
  EXPECT_EQ(PathDir("file.txt"), ".");
  EXPECT_EQ(PathDir("/file.txt"), "/");
  EXPECT_EQ(PathName("/a/b/"), "b");
  EXPECT_EQ(PathDir("s3://bucket/dir/x.txt"), "s3://bucket/dir");
}

TEST_F(TemplateTest, PathPropertyOnListIsAnErrorWithHint) {
  std::string e = EvalError("{{ count.output.counts.stem }}");
  EXPECT_EQ(e.rfind("t.yml:1:24: ", 0), 0u) << e;
  EXPECT_NE(e.find("list of 3 values"), std::string::npos) << e;
  EXPECT_NE(e.find("for_each"), std::string::npos) << e;
}

TEST_F(TemplateTest, UnknownPropertyOnString) {
  std::string e = EvalError("{{ item.stm }}");
  EXPECT_EQ(e,
            "t.yml:1:9: item is a string, which has no property 'stm' (did you mean 'stem'?) "
            "(strings offer the path properties name, stem, ext, dir)");
}

TEST_F(TemplateTest, UnknownNameAndKeyGiveDidYouMean) {
  EXPECT_EQ(EvalError("{{ parms.n }}"), "t.yml:1:4: unknown name 'parms' (did you mean 'params'?)");
  std::string e = EvalError("x {{ params.outdri }}");
  EXPECT_EQ(e.rfind("t.yml:1:13: no key 'outdri' in params (did you mean 'outdir'?)", 0), 0u) << e;
  EXPECT_NE(e.find("keys: samples, outdir, n, ratio, aws"), std::string::npos) << e;
}

TEST_F(TemplateTest, TypeErrors) {
  EXPECT_EQ(EvalError("{{ params.outdir - 1 }}"),
            "t.yml:1:18: '-' needs two numbers, got a string ('results') and an integer (1)");
  EXPECT_EQ(EvalError("{{ 1 / (2 - 2) }}"), "t.yml:1:6: division by zero");
  EXPECT_EQ(EvalError("{{ 1.0 / 0 }}"), "t.yml:1:8: division by zero");
  std::string e = EvalError("{{ files(3) }}");
  EXPECT_EQ(e, "t.yml:1:10: files() needs a glob pattern (a string), got an integer (3)");
  // An argument's value is reported at the argument's first character, not
  // at the last name of a chain ("outdir" of params.outdir).
  EXPECT_EQ(EvalError("{{ range(params.outdir) }}").rfind("t.yml:1:10: range() needs integers", 0), 0u);
  EXPECT_EQ(EvalError("{{ join(params.outdir) }}").rfind("t.yml:1:9: join() needs a list", 0), 0u);
  // An item combinator's error points at the argument it is about.
  e = EvalError("{{ join_on(params.outdir, params.aws, 'id') }}");
  EXPECT_EQ(e.rfind("t.yml:1:12: join_on() needs the first list", 0), 0u) << e;
  e = EvalError("{{ cross(item, 'k', 1) }}");
  EXPECT_EQ(e.rfind("t.yml:1:10: cross() needs the list to be a list of items", 0), 0u) << e;
  e = EvalError("{{ params + 1 }}");
  EXPECT_NE(e.find("cannot add a map and an integer"), std::string::npos) << e;
  e = EvalError("{{ -params.outdir }}");
  EXPECT_NE(e.find("unary '-' needs a number"), std::string::npos) << e;
  e = EvalError("{{ 9223372036854775807 + 1 }}");
  EXPECT_NE(e.find("integer overflow"), std::string::npos) << e;
}

TEST_F(TemplateTest, ParseErrorsHavePositions) {
  EXPECT_EQ(ParseError("abc {{ item.name"), "t.yml:1:5: unclosed '{{' (add '}}' after the expression)");
  EXPECT_EQ(ParseError("{{ }}"), "t.yml:1:1: empty expression '{{ }}' (put a name or value inside)");
  EXPECT_EQ(ParseError("{{ a b }}"), "t.yml:1:6: unexpected name 'b' after the expression (expected '}}')");
  EXPECT_EQ(ParseError("{{ a + }}"), "t.yml:1:8: unexpected '}}' (expected a name, number, string or '(')");
  EXPECT_EQ(ParseError("{{ fils('x') }}"),
            "t.yml:1:4: unknown function 'fils' (did you mean 'files'?); functions: files, lines, csv, tsv, range, "
            "raw, len, join, pairs, group_by, join_on, cross");
  EXPECT_EQ(ParseError("{{ files('a', 'b') }}"),
            "t.yml:1:4: files() takes 1 argument, got 2 (usage: files('data/*.txt'))");
  EXPECT_EQ(ParseError("{{ 'abc }}"), "t.yml:1:4: unterminated string (add the closing ')");
  EXPECT_EQ(ParseError("{{ a. }}"), "t.yml:1:7: expected a name after '.', found '}}'");
  EXPECT_EQ(ParseError("{{ (a }}"), "t.yml:1:7: expected ')' to close the '(', found '}}'");
  EXPECT_EQ(ParseError("{{ a[0 }}"), "t.yml:1:8: expected ']' to close the '[', found '}}'");
  EXPECT_EQ(ParseError("{{ a | b }}"),
            "t.yml:1:6: unexpected character '|' (there are no filters; call a function instead, e.g. join(x, ',')) "
            "in expression");
  EXPECT_EQ(ParseError("{{ 3x }}"), "t.yml:1:4: bad number '3x...' (names cannot start with a digit)");
  // Positions follow newlines and a start column.
  EXPECT_EQ(ParseError("line one\n  ok {{ 1 +* 2 }}", SourceLoc{"p.yml", 10, 7}),
            "p.yml:11:12: unexpected '*' (expected a name, number, string or '(')");
  EXPECT_EQ(ParseError("{{ a {{ b }}"),
            "t.yml:1:6: '{' inside an expression ('{{' cannot be nested; close the "
            "previous one with '}}')");
}

TEST_F(TemplateTest, HugeExpressionsAreRejectedNotCrashed) {
  std::string chain = "{{ 1";
  for (int i = 0; i < 5000; ++i) chain += " + 1";
  chain += " }}";
  EXPECT_NE(ParseError(chain).find("expression too long or nested too deeply"), std::string::npos);
  EXPECT_NE(ParseError("{{ " + std::string(3000, '(') + "1" + std::string(3000, ')') + " }}").find("nested too deeply"),
            std::string::npos);
  EXPECT_NE(ParseError("{{ " + std::string(400, '9') + ".5 }}").find("is too large"), std::string::npos);
  std::string ok = "{{ 1";
  for (int i = 0; i < 300; ++i) ok += " + 1";
  EXPECT_EQ(Eval(ok + " }}"), Value(int64_t{301}));
}

TEST_F(TemplateTest, CollectReferences) {
  Template t =
      MustParse("{{ count.output.counts[0].name }} {{ item.stem + params.outdir }} {{ files(params.samples) }}");
  std::vector<Reference> refs;
  t.CollectReferences(&refs);
  ASSERT_EQ(refs.size(), 4u);
  EXPECT_EQ(refs[0].path, (std::vector<std::string>{"count", "output", "counts"}));
  EXPECT_EQ(refs[0].loc.col, 4);
  EXPECT_EQ(refs[0].part_locs[2].col, 17);
  EXPECT_EQ(refs[1].path, (std::vector<std::string>{"item", "stem"}));
  EXPECT_EQ(refs[2].path, (std::vector<std::string>{"params", "outdir"}));
  EXPECT_EQ(refs[3].path, (std::vector<std::string>{"params", "samples"}));
}

TEST_F(TemplateTest, FilesFunction) {
  Value v = Eval("{{ files(params.samples) }}");
  EXPECT_EQ(v, Value(ValueList{Value("/base/data/a.txt"), Value("/base/data/b.txt")}));
  std::string e = EvalError("{{ files('nope/*.txt') }}");
  EXPECT_EQ(e,
            "t.yml:1:4: files('nope/*.txt') matched no files (relative patterns are resolved against /base); "
            "check the pattern or the parameter that holds it");
  EvalContext no_host = ctx;
  no_host.host = nullptr;
  Value out;
  Status st = MustParse("{{ files('x') }}").Evaluate(no_host, &out);
  EXPECT_EQ(st.message(), "t.yml:1:4: files() cannot read files here (no file access in this context)");
}

TEST_F(TemplateTest, LinesFunction) {
  EXPECT_EQ(Eval("{{ lines('list.txt') }}"), Value(ValueList{Value("one"), Value("two"), Value("three")}));
  std::string e = EvalError("{{ lines('missing.txt') }}");
  EXPECT_EQ(e, "t.yml:1:4: lines('missing.txt'): cannot read '/base/missing.txt': No such file or directory");
}

TEST_F(TemplateTest, CsvAndTsvFunctions) {
  Value rows = Eval("{{ csv('s.csv') }}");
  ASSERT_EQ(rows.as_list().size(), 2u);
  EXPECT_EQ(rows.as_list()[0].Find("fastq_1")->as_string(), "a,b.fq");
  EXPECT_EQ(rows.as_list()[1].Find("fastq_1")->as_string(), "say \"hi\"");
  EXPECT_EQ(Eval("{{ csv('s.csv')[1].sample }}").as_string(), "S2");
  EXPECT_EQ(Eval("{{ tsv('s.tsv')[0].path.name }}").as_string(), "1.fq");
  std::string e = EvalError("{{ csv('bad.csv') }}");
  EXPECT_EQ(e,
            "t.yml:1:4: csv('bad.csv'): /base/bad.csv:3: row has 1 fields but the header has 2 (a,b); quote "
            "fields that contain the separator");
  host.files["/base/q.csv"] = "a\n\"open\n";
  e = EvalError("{{ csv('q.csv') }}");
  EXPECT_NE(e.find("/base/q.csv:2: a quoted field is never closed"), std::string::npos) << e;
  host.files["/base/multi.csv"] = "a,b\n\"x\ny\",2\n3,4\n5\n";
  e = EvalError("{{ csv('multi.csv') }}");
  EXPECT_NE(e.find("/base/multi.csv:5: row has 1 fields"), std::string::npos) << e;
  e = EvalError("{{ csv('s.csv')[0].fastq1 }}");
  EXPECT_NE(e.find("no key 'fastq1' in the value (did you mean 'fastq_1'?)"), std::string::npos) << e;
}

TEST_F(TemplateTest, RangeLenJoinRaw) {
  EXPECT_EQ(Eval("{{ range(3) }}"), Value(ValueList{Value(int64_t{0}), Value(int64_t{1}), Value(int64_t{2})}));
  EXPECT_EQ(Eval("{{ range(2, 4) }}"), Value(ValueList{Value(int64_t{2}), Value(int64_t{3})}));
  EXPECT_EQ(Eval("{{ range(4, 2) }}"), Value::EmptyList());
  EXPECT_EQ(Eval("{{ len(count.output.counts) }}"), Value(int64_t{3}));
  EXPECT_EQ(Eval("{{ len('abc') }}"), Value(int64_t{3}));
  EXPECT_EQ(Eval("{{ join(count.output.counts, ',') }}").as_string(), "/w/a.count,/w/b.count,/w/c d.count");
  EXPECT_EQ(Eval("{{ join(range(3)) }}").as_string(), "0 1 2");
  EXPECT_EQ(Eval("{{ raw('a b') }}").as_string(), "a b");
  EXPECT_NE(EvalError("{{ range('a') }}").find("range() needs integers"), std::string::npos);
  EXPECT_NE(EvalError("{{ range(100000000) }}").find("too large"), std::string::npos);
  EXPECT_NE(EvalError("{{ join('abc') }}").find("join() needs a list"), std::string::npos);
  EXPECT_NE(EvalError("{{ len(1) }}").find("len() needs a list, map or string"), std::string::npos);
}

TEST_F(TemplateTest, ItemMissingOutsideForEach) {
  EvalContext c2 = ctx;
  c2.roots.Erase("item");
  Value v;
  Status st = MustParse("{{ item }}").Evaluate(c2, &v);
  EXPECT_EQ(st.message(), "t.yml:1:4: 'item' is only defined in a task with for_each (and not inside for_each itself)");
}

TEST_F(TemplateTest, FanInSharesTheUpstreamListInsteadOfCopyingIt) {
  // A fan-in over 100,000 upstream files is evaluated once per downstream
  // task; copying the list each time would make big gathers quadratic.
  ValueList big;
  for (int i = 0; i < 100000; ++i) big.emplace_back("/work/aa/" + std::to_string(i) + ".count");
  ValueMap out;
  out.Set("counts", Value(std::move(big)));
  ValueMap up;
  up.Set("output", Value(std::move(out)));
  ctx.roots.Set("count", Value(std::move(up)));
  Template per_task = MustParse("{{ item.stem }}.count");
  Template fan_in = MustParse("{{ count.output.counts }}");
  Value first, again, name;
  ASSERT_TRUE(fan_in.Evaluate(ctx, &first).ok());
  for (int i = 0; i < 1000; ++i) {
    ctx.roots.Set("item", Value("/data/s" + std::to_string(i) + ".txt"));
    ASSERT_TRUE(per_task.Evaluate(ctx, &name).ok());
    ASSERT_TRUE(fan_in.Evaluate(ctx, &again).ok());
  }
  EXPECT_EQ(name.as_string(), "s999.count");
  ASSERT_EQ(again.as_list().size(), 100000u);
  EXPECT_EQ(&first.as_list(), &again.as_list());  // the same list, not a copy
}

class RealHostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() / ("ferry_host_" + std::to_string(::getpid()) + "_" +
                                                    ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    for (const char* f : {"data/a.txt", "data/b.txt", "data/c.csv", "data/sub/d.txt", "data/sub/deep/e.txt",
                          "data/.hidden.txt", "other/f.txt", "with space/g h.txt"}) {
      std::filesystem::create_directories((dir / f).parent_path());
      std::ofstream(dir / f) << "content of " << f << "\n";
    }
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  std::vector<std::string> Glob(const std::string& pattern) {
    RealTemplateHost host(dir.string());
    std::vector<std::string> out;
    EXPECT_TRUE(host.Glob(pattern, &out).ok());
    for (auto& p : out) p = p.substr(dir.string().size() + 1);
    return out;
  }
  std::filesystem::path dir;
};

TEST_F(RealHostTest, GlobPatterns) {
  using V = std::vector<std::string>;
  EXPECT_EQ(Glob("data/*.txt"), (V{"data/a.txt", "data/b.txt"}));
  EXPECT_EQ(Glob("data/?.csv"), (V{"data/c.csv"}));
  EXPECT_EQ(Glob("data/[ab].txt"), (V{"data/a.txt", "data/b.txt"}));
  EXPECT_EQ(Glob("data/**/*.txt"), (V{"data/a.txt", "data/b.txt", "data/sub/d.txt", "data/sub/deep/e.txt"}));
  EXPECT_EQ(Glob("**/e.txt"), (V{"data/sub/deep/e.txt"}));
  EXPECT_EQ(Glob("*/*.txt"), (V{"data/a.txt", "data/b.txt", "other/f.txt", "with space/g h.txt"}));
  EXPECT_EQ(Glob("./data/../other/f.txt"), (V{"other/f.txt"}));
  EXPECT_EQ(Glob("data/none*"), V{});
  RealTemplateHost host(dir.string());
  std::vector<std::string> abs;
  ASSERT_TRUE(host.Glob((dir / "other" / "*.txt").string(), &abs).ok());
  EXPECT_EQ(abs, (V{(dir / "other" / "f.txt").string()}));
}

TEST_F(RealHostTest, FunctionsReadRealFiles) {
  RealTemplateHost host(dir.string());
  std::ofstream(dir / "s.csv") << "id,file\r\n1,data/a.txt\r\n2,data/b.txt\r\n";
  EvalContext ctx;
  ctx.host = &host;
  Value v;
  ASSERT_TRUE(MustParse("{{ files('data/*.txt') }}").Evaluate(ctx, &v).ok());
  ASSERT_EQ(v.as_list().size(), 2u);
  EXPECT_EQ(v.as_list()[0].as_string(), (dir / "data/a.txt").string());
  ASSERT_TRUE(MustParse("{{ lines('data/a.txt') }}").Evaluate(ctx, &v).ok());
  EXPECT_EQ(v, Value(ValueList{Value("content of data/a.txt")}));
  ASSERT_TRUE(MustParse("{{ csv('s.csv')[1].file }}").Evaluate(ctx, &v).ok());
  EXPECT_EQ(v.as_string(), "data/b.txt");
  EXPECT_EQ(host.Absolute("x/../y.txt"), (dir / "y.txt").string());
  EXPECT_EQ(host.Absolute("s3://b/k"), "s3://b/k");
  Status st = MustParse("{{ files('nothing/*.fq') }}").Evaluate(ctx, &v);
  EXPECT_NE(st.message().find("matched no files (relative patterns are resolved against " + dir.string() + ")"),
            std::string::npos)
      << st.message();
  st = MustParse("{{ lines('data') }}").Evaluate(ctx, &v);
  EXPECT_NE(st.message().find("it is a directory"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace ferry
