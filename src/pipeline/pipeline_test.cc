#include "pipeline/pipeline.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "pipeline/test_support.h"

namespace ferry {
namespace {

// The example from PRODUCT.md, verbatim.
const char* kProductExample = R"(params:
  samples: data/*.txt           # overridable: --samples 'other/*.txt'
  outdir: results

tasks:
  count:                        # one task per matching file (fan-out)
    for_each: "{{ files(params.samples) }}"
    input:
      text: "{{ item }}"
    output:
      counts: "{{ item.stem }}.count"
    label: small
    cpus: 1
    memory: 1 GB
    script: |
      wc -w < {{ input.text }} > {{ output.counts }}

  total:                        # gathers every count task's output (fan-in)
    input:
      all: "{{ count.output.counts }}"
    output:
      sum: total.txt
    publish: "{{ params.outdir }}"
    script: |
      cat {{ input.all }} | awk '{s+=$1} END {print s}' > {{ output.sum }}
)";

TEST(PipelineLoadTest, ProductExample) {
  PipelineSpec spec;
  Status st = LoadPipelineText(kProductExample, "examples/wc/pipeline.yml", &spec);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(spec.path, "examples/wc/pipeline.yml");
  EXPECT_EQ(spec.dir, (std::filesystem::current_path() / "examples/wc").string());
  EXPECT_EQ(spec.params.ToJson(), R"({"samples": "data/*.txt", "outdir": "results"})");
  ASSERT_EQ(spec.tasks.size(), 2u);

  const TaskSpec& count = spec.tasks[0];
  EXPECT_EQ(count.name, "count");
  EXPECT_EQ(count.loc.ToString(), "examples/wc/pipeline.yml:6:3");
  ASSERT_TRUE(count.for_each.has_value());
  EXPECT_EQ(count.for_each->loc().ToString(), "examples/wc/pipeline.yml:7:15");
  ASSERT_EQ(count.inputs.size(), 1u);
  EXPECT_EQ(count.inputs[0].first, "text");
  ASSERT_EQ(count.outputs.size(), 1u);
  EXPECT_EQ(count.outputs[0].first, "counts");
  ASSERT_EQ(count.directives.size(), 3u);
  EXPECT_EQ(count.directives[0].first, "label");
  EXPECT_EQ(count.directives[1].first, "cpus");
  EXPECT_EQ(count.directives[2].first, "memory");
  EXPECT_TRUE(count.deps.empty());
  EXPECT_EQ(count.script_loc.line, 15);
  EXPECT_EQ(count.script.text(), "wc -w < {{ input.text }} > {{ output.counts }}\n");

  // Directives keep YAML types: cpus is an int, memory a string.
  EvalContext ctx;
  Value v;
  ASSERT_TRUE(count.FindDirective("cpus")->Evaluate(ctx, &v).ok());
  EXPECT_EQ(v, Value(int64_t{1}));
  ASSERT_TRUE(count.FindDirective("memory")->Evaluate(ctx, &v).ok());
  EXPECT_EQ(v, Value("1 GB"));

  const TaskSpec& total = spec.tasks[1];
  EXPECT_EQ(total.deps, std::vector<std::string>{"count"});
  EXPECT_FALSE(total.for_each.has_value());
  EXPECT_EQ(spec.FindTask("total"), &total);
  EXPECT_EQ(spec.FindTask("nope"), nullptr);

  // Evaluate the fan-out the way the engine will.
  testing::FakeHost host;
  host.files["/base/data/a.txt"] = "one two";
  host.files["/base/data/b.txt"] = "three";
  ctx.host = &host;
  ctx.roots.Set("params", spec.params);
  ASSERT_TRUE(count.for_each->Evaluate(ctx, &v).ok());
  ASSERT_EQ(v.as_list().size(), 2u);
  ctx.roots.Set("item", v.as_list()[0]);
  Value out;
  ASSERT_TRUE(count.outputs[0].second.Evaluate(ctx, &out).ok());
  EXPECT_EQ(out, Value("a.count"));
  ValueMap inputs, outputs;
  inputs.Set("text", Value("/base/data/it's a.txt"));
  outputs.Set("counts", out);
  ctx.roots.Set("input", Value(inputs));
  ctx.roots.Set("output", Value(outputs));
  std::string script;
  ASSERT_TRUE(count.script.RenderShell(ctx, &script).ok());
  EXPECT_EQ(script, "wc -w < '/base/data/it'\\''s a.txt' > a.count\n");

  // Fan-in: a list renders as separate words.
  ValueMap up;
  up.Set("counts", Value(ValueList{Value("/w/1/a.count"), Value("/w/2/b c.count")}));
  ValueMap count_root;
  count_root.Set("output", Value(up));
  EvalContext ctx2;
  ctx2.roots.Set("params", spec.params);
  ctx2.roots.Set("count", Value(count_root));
  ASSERT_TRUE(total.inputs[0].second.Evaluate(ctx2, &v).ok());
  ASSERT_TRUE(v.is_list());
  ValueMap tin, tout;
  tin.Set("all", v);
  tout.Set("sum", Value("total.txt"));
  ctx2.roots.Set("input", Value(tin));
  ctx2.roots.Set("output", Value(tout));
  ASSERT_TRUE(total.script.RenderShell(ctx2, &script).ok());
  EXPECT_EQ(script, "cat /w/1/a.count '/w/2/b c.count' | awk '{s+=$1} END {print s}' > total.txt\n");
  ASSERT_TRUE(total.FindDirective("publish")->Evaluate(ctx2, &v).ok());
  EXPECT_EQ(v, Value("results"));
}

TEST(PipelineLoadTest, MoreShapes) {
  const char* text = R"(
params:
  n: 3
  ratio: 0.5
  flag: true
  nested: {a: 1, b: [x, y]}
tasks:
  make:
    for_each: [a, b, "{{ params.n }}"]
    output:
      out: "{{ item }}.txt"
    retry: 2
    errorStrategy: retry
    memory: "{{ 2 * task.attempt }} GB"
    label: [small, fast]
    queue: &q long-queue
    container: *q
    accelerator: {request: 1, type: nvidia-tesla-t4}
    time: 1h 30m
    script: touch {{ output.out }}
  rows:
    for_each: "{{ range(params.n) }}"
    output:
      o: "row{{ item }}"
    script: echo {{ item }} > {{ output.o }}
  chain:
    for_each: "{{ make.output.out }}"
    input:
      f: "{{ item }}"
      extra: ["{{ rows.output.o }}", fixed.txt]
    output:
      g: "{{ input.f.stem }}.g"
    script: >
      cat {{ input.f }}
      > {{ output.g }}
)";
  PipelineSpec spec;
  Status st = LoadPipelineText(text, "p.yml", &spec);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(spec.params.ToJson(), R"({"n": 3, "ratio": 0.5, "flag": true, "nested": {"a": 1, "b": ["x", "y"]}})");
  const TaskSpec* chain = spec.FindTask("chain");
  ASSERT_NE(chain, nullptr);
  EXPECT_EQ(chain->deps, (std::vector<std::string>{"make", "rows"}));
  EXPECT_EQ(chain->script.text(), "cat {{ input.f }} > {{ output.g }}\n");
  const TaskSpec* make = spec.FindTask("make");
  EvalContext ctx;
  ctx.roots.Set("params", spec.params);
  Value v;
  ASSERT_TRUE(make->for_each->Evaluate(ctx, &v).ok());
  EXPECT_EQ(v.ToJson(), R"(["a", "b", 3])");
  ValueMap task;
  task.Set("attempt", Value(int64_t{3}));
  ctx.roots.Set("task", Value(task));
  ASSERT_TRUE(make->FindDirective("memory")->Evaluate(ctx, &v).ok());
  EXPECT_EQ(v, Value("6 GB"));
  EXPECT_FALSE(make->FindDirective("memory")->is_constant());
  ASSERT_TRUE(make->FindDirective("container")->Evaluate(ctx, &v).ok());
  EXPECT_EQ(v, Value("long-queue"));  // YAML aliases resolve
  ASSERT_TRUE(make->FindDirective("accelerator")->Evaluate(ctx, &v).ok());
  EXPECT_EQ(v.ToJson(), R"({"request": 1, "type": "nvidia-tesla-t4"})");
}

// accelerator: 0 turns GPUs off, as a config withLabel block may; the
// config and the engine accept it too.
TEST(PipelineLoadTest, AcceleratorZeroIsAccepted) {
  PipelineSpec spec;
  Status st = LoadPipelineText("tasks:\n  a:\n    accelerator: 0\n    script: x\n", "p.yml", &spec);
  ASSERT_TRUE(st.ok()) << st.message();
  Value v;
  ASSERT_TRUE(spec.FindTask("a")->FindDirective("accelerator")->Evaluate(EvalContext{}, &v).ok());
  EXPECT_EQ(v, Value(0));
}

TEST(PipelineLoadTest, RuntimeErrorsPointIntoTheFile) {
  const char* text =
      "params:\n  x: 1\ntasks:\n  a:\n    for_each: [1, 2]\n    output:\n      o: 'out_{{ item.name }}'\n"
      "    script: |\n      echo start\n      echo {{ params.y }}\n";
  PipelineSpec spec;
  ASSERT_TRUE(LoadPipelineText(text, "r.yml", &spec).ok());
  EvalContext ctx;
  ctx.roots.Set("params", spec.params);
  ctx.roots.Set("item", Value(int64_t{1}));
  std::string script;
  Status st = spec.tasks[0].script.RenderShell(ctx, &script);
  EXPECT_EQ(st.message(), "r.yml:10:22: no key 'y' in params (did you mean 'x'?) (keys: x)");
  Value v;
  st = spec.tasks[0].outputs[0].second.Evaluate(ctx, &v);
  EXPECT_EQ(st.message(), "r.yml:7:23: '.name' cannot be used on item, which is an integer");
}

TEST(PipelineLoadTest, LoadFromDirectoryAndFile) {
  auto dir = std::filesystem::temp_directory_path() / ("ferry_pl_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "pipeline.yml") << kProductExample;
  PipelineSpec spec;
  Status st = LoadPipeline(dir.string(), &spec);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(spec.path, (dir / "pipeline.yml").string());
  EXPECT_EQ(spec.dir, dir.string());
  st = LoadPipeline((dir / "missing.yml").string(), &spec);
  EXPECT_EQ(st.kind(), Status::Kind::kInvalidInput);
  EXPECT_NE(st.message().find("cannot read pipeline '" + (dir / "missing.yml").string() + "'"), std::string::npos);
  std::filesystem::remove(dir / "pipeline.yml");
  st = LoadPipeline(dir.string(), &spec);
  EXPECT_NE(st.message().find("is a directory without a pipeline.yml"), std::string::npos) << st.message();
  std::filesystem::remove_all(dir);
}

// Broken pipelines: each must fail with Invalid, the exact position of the
// mistake, and a message that says what is wrong (and how to fix it).
struct BrokenCase {
  const char* name;
  const char* text;
  const char* where;    // expected "file:line:col" prefix
  const char* message;  // expected substring of the message
};

const BrokenCase kBroken[] = {
    // An unclosed '[' or '{' is reported where it opens, not where the parser gave up.
    {"yaml_syntax_unclosed_flow", "tasks:\n  a: [1, 2\n  b: 3\n", "b.yml:2:6",
     "YAML syntax error: this '[' is never closed: no ']' was found up to line 3, column 4"},
    {"yaml_syntax_unclosed_flow_map", "tasks:\n  a: {script: [x], cpus: 1\n", "b.yml:2:6",
     "YAML syntax error: this '{' is never closed"},
    {"yaml_bad_indent", "tasks:\n  a:\n    script: x\n   cpus: 2\n", "b.yml:4:4", "YAML syntax error"},
    {"empty_file", "", "b.yml:1:1", "the pipeline is empty; it needs a 'tasks:' map"},
    {"top_level_list", "- a\n- b\n", "b.yml:1:1", "top level of a pipeline must be a map"},
    {"unknown_top_key", "params: {}\ntask:\n  a:\n    script: x\n", "b.yml:2:1",
     "unknown top-level key 'task' (did you mean 'tasks'?)"},
    {"directive_at_top", "cpus: 2\ntasks:\n  a:\n    script: x\n", "b.yml:1:1", "directives go inside a task"},
    {"no_tasks", "params:\n  x: 1\n", "b.yml:1:1", "the pipeline has no 'tasks:' map"},
    {"empty_tasks", "params:\n  x: 1\ntasks:\n", "b.yml:3:1", "'tasks' is empty"},
    {"tasks_as_list", "tasks:\n  - a:\n      script: x\n", "b.yml:2:3",
     "must be a map of task name -> settings, not a list"},
    {"task_not_map", "tasks:\n  a: echo hi\n", "b.yml:2:6", "task 'a' must be a map of settings"},
    {"task_empty", "tasks:\n  a:\n  b:\n    script: x\n", "b.yml:2:3",
     "task 'a' is empty; it needs at least a 'script'"},
    {"bad_task_name", "tasks:\n  count-words:\n    script: x\n", "b.yml:2:3",
     "task name 'count-words' must use only letters, digits and _"},
    {"reserved_task_name", "tasks:\n  params:\n    script: x\n", "b.yml:2:3", "'params' is a reserved name"},
    {"duplicate_task", "tasks:\n  a:\n    script: x\n  a:\n    script: y\n", "b.yml:4:3",
     "task 'a' is defined twice (first on line 2)"},
    {"unknown_directive", "tasks:\n  count:\n    cpu: 2\n    script: x\n", "b.yml:3:5",
     "unknown directive 'cpu' in task 'count' (did you mean 'cpus'?)"},
    {"unknown_directive_no_hint", "tasks:\n  count:\n    zzzzzz: 2\n    script: x\n", "b.yml:3:5",
     "unknown directive 'zzzzzz' in task 'count' (task settings: for_each, input, output, script, stub, when; "
     "directives: "
     "cpus,"},
    {"misspelled_for_each", "tasks:\n  a:\n    foreach: [1]\n    script: x\n", "b.yml:3:5",
     "unknown directive 'foreach' in task 'a' (did you mean 'for_each'?)"},
    {"missing_script", "tasks:\n  a:\n    cpus: 1\n", "b.yml:2:3", "task 'a' has no 'script'"},
    {"when_not_boolean", "tasks:\n  a:\n    when: 3\n    script: x\n", "b.yml:3:11",
     "when of task 'a' must be true or false, got '3'"},
    {"when_list", "tasks:\n  a:\n    when: [true]\n    script: x\n", "b.yml:3:11", "must be one condition"},
    {"when_misspelt", "tasks:\n  a:\n    wehn: true\n    script: x\n", "b.yml:3:5", "(did you mean 'when'?)"},
    {"items_of_unknown_task", "tasks:\n  a:\n    for_each: \"{{ b.items }}\"\n    script: x\n", "b.yml:3:19",
     "unknown name 'b'"},
    {"script_not_text", "tasks:\n  a:\n    script: [echo, hi]\n", "b.yml:3:13", "script of task 'a' must be text"},
    {"duplicate_key_in_task", "tasks:\n  a:\n    cpus: 1\n    cpus: 2\n    script: x\n", "b.yml:4:5",
     "'cpus' appears twice in task 'a'"},
    {"input_not_map", "tasks:\n  a:\n    input: x.txt\n    script: x\n", "b.yml:3:12",
     "'input' of task 'a' must be a map of name: path template"},
    {"output_value_map", "tasks:\n  a:\n    output:\n      o: {x: 1}\n    script: x\n", "b.yml:4:11",
     "unknown setting 'x' of output 'o' in task 'a' (an output in map form has path: and optional:)"},
    {"output_path_is_map", "tasks:\n  a:\n    output:\n      o: {path: {x: 1}}\n    script: x\n", "b.yml:4:17",
     "output 'o' of task 'a' must be a path template or a list of them, not a map other than { path: ..., "
     "optional: true }"},
    {"bad_output_name", "tasks:\n  a:\n    output:\n      my-out: x\n    script: x\n", "b.yml:4:7",
     "output name 'my-out' must use only letters, digits and _"},
    {"for_each_constant", "tasks:\n  a:\n    for_each: data/*.txt\n    script: x\n", "b.yml:3:15",
     "for_each of task 'a' must be a list: a YAML list, or a template such as \"{{ files('data/*.txt') }}\""},
    {"unclosed_template_plain", "tasks:\n  a:\n    output:\n      o: x{{ item\n    script: x\n", "b.yml:4:11",
     "unclosed '{{'"},
    {"unclosed_template_in_block_script", "tasks:\n  a:\n    script: |\n      echo one\n      echo {{ params.x\n",
     "b.yml:5:12", "unclosed '{{'"},
    {"bad_expression_in_block_script",
     "params:\n  x: 1\ntasks:\n  a:\n    script: |\n      echo one\n        echo {{ params.x + * 2 }}\n", "b.yml:7:28",
     "unexpected '*' (expected a name, number, string or '(')"},
    {"bad_expression_in_folded_script", "tasks:\n  a:\n    script: >-\n      echo one\n      two {{ 1 1 }}\n",
     "b.yml:5:16", "unexpected number 1 after the expression"},
    {"bad_expression_in_double_quoted", "tasks:\n  a:\n    script: \"echo \\\"hi\\\" {{ ) }}\"\n", "b.yml:3:29",
     "unexpected ')'"},
    {"bad_expression_in_single_quoted", "tasks:\n  a:\n    script: 'it''s {{ a b }}'\n", "b.yml:3:25",
     "unexpected name 'b' after the expression"},
    {"bad_expression_multiline_plain", "tasks:\n  a:\n    script: echo\n      more {{ ( }}\n", "b.yml:4:17",
     "unexpected '}}'"},
    {"unknown_function", "tasks:\n  a:\n    for_each: \"{{ fils('x') }}\"\n    script: x\n", "b.yml:3:19",
     "unknown function 'fils' (did you mean 'files'?)"},
    {"unknown_name", "tasks:\n  a:\n    script: echo {{ parms.x }}\n", "b.yml:3:21",
     "unknown name 'parms' (did you mean 'params'?)"},
    {"item_without_for_each", "tasks:\n  a:\n    script: echo {{ item }}\n", "b.yml:3:21",
     "'item' is only defined in tasks with for_each, and task 'a' has none"},
    {"item_inside_for_each", "tasks:\n  a:\n    for_each: \"{{ item }}\"\n    script: x\n", "b.yml:3:19",
     "'item' cannot be used inside for_each itself"},
    {"undeclared_input", "tasks:\n  a:\n    input:\n      reads: x\n    script: cat {{ input.read }}\n", "b.yml:5:26",
     "task 'a' has no input 'read' (did you mean 'reads'?)"},
    {"undeclared_output", "tasks:\n  a:\n    output:\n      counts: x\n    script: cat > {{ output.count }}\n",
     "b.yml:5:29", "task 'a' has no output 'count' (did you mean 'counts'?)"},
    {"output_used_in_input",
     "tasks:\n  a:\n    input:\n      i: \"{{ output.o }}\"\n    output:\n      o: x\n    script: x\n", "b.yml:4:14",
     "'output' cannot be used in input"},
    {"input_used_in_directive",
     "tasks:\n  a:\n    input:\n      i: x\n    memory: \"{{ input.i }} GB\"\n    script: x\n", "b.yml:5:17",
     "'input' cannot be used in a directive (input.* is available in output and script)"},
    {"upstream_unknown_output",
     "tasks:\n  a:\n    output:\n      counts: x\n    script: x\n  b:\n    input:\n      i: \"{{ a.output.count }}\"\n "
     "   script: x\n",
     "b.yml:8:23", "task 'a' has no output 'count' (did you mean 'counts'?)"},
    {"upstream_without_output_part",
     "tasks:\n  a:\n    output:\n      counts: x\n    script: x\n  b:\n    script: cat {{ a.counts }}\n", "b.yml:7:20",
     "refer to one output of task 'a', e.g. a.output.counts"},
    {"unknown_task_reference",
     "tasks:\n  count:\n    output:\n      c: x\n    script: x\n  b:\n    script: cat {{ cont.output.c }}\n",
     "b.yml:7:20", "unknown name 'cont' (did you mean 'count'?)"},
    {"self_reference", "tasks:\n  a:\n    output:\n      o: x\n    script: cat {{ a.output.o }}\n", "b.yml:5:20",
     "cycle in task graph: a -> a"},
    {"cycle_of_three",
     "tasks:\n  a:\n    input:\n      i: \"{{ c.output.o }}\"\n    output:\n      o: a.txt\n    script: x\n"
     "  b:\n    input:\n      i: \"{{ a.output.o }}\"\n    output:\n      o: b.txt\n    script: x\n"
     "  c:\n    input:\n      i: \"{{ b.output.o }}\"\n    output:\n      o: c.txt\n    script: x\n",
     "b.yml:4:14", "cycle in task graph: a -> c -> b -> a"},
    {"function_without_call", "tasks:\n  a:\n    script: echo {{ files }}\n", "b.yml:3:21",
     "'files' is a function; call it"},
    {"bad_error_strategy", "tasks:\n  a:\n    errorStrategy: ignor\n    script: x\n", "b.yml:3:20",
     "errorStrategy in task 'a' must be one of terminate, finish, ignore, retry, got 'ignor' (did you mean 'ignore'?)"},
    {"bad_memory", "tasks:\n  a:\n    memory: lots\n    script: x\n", "b.yml:3:13",
     "memory in task 'a' must be a size like '2 GB'"},
    {"bad_time", "tasks:\n  a:\n    time: soon\n    script: x\n", "b.yml:3:11",
     "time in task 'a' must be a duration like '1h'"},
    {"bad_cpus", "tasks:\n  a:\n    cpus: 0\n    script: x\n", "b.yml:3:11",
     "cpus in task 'a' must be a positive whole number, got 0"},
    {"bad_max_forks", "tasks:\n  a:\n    maxForks: two\n    script: x\n", "b.yml:3:15",
     "maxForks in task 'a' must be a positive whole number, got 'two'"},
    {"negative_retry", "tasks:\n  a:\n    retry: -1\n    script: x\n", "b.yml:3:12",
     "retry in task 'a' must be a non-negative whole number"},
    {"bad_executor", "tasks:\n  a:\n    executor: awsbatc\n    script: x\n", "b.yml:3:15",
     "executor in task 'a' must be one of local, awsbatch, slurm, got 'awsbatc' (did you mean 'awsbatch'?)"},
    // The rules the config and the engine apply too (rules/directive_rules.h).
    {"executor_that_does_not_exist", "tasks:\n  a:\n    executor: kubernetes\n    script: x\n", "b.yml:3:15",
     "executor in task 'a' must be one of local, awsbatch, slurm, got 'kubernetes'"},
    {"max_forks_zero", "tasks:\n  a:\n    maxForks: 0\n    script: x\n", "b.yml:3:15",
     "maxForks in task 'a' must be a positive whole number, got 0"},
    {"accelerator_negative", "tasks:\n  a:\n    accelerator: -1\n    script: x\n", "b.yml:3:18",
     "accelerator in task 'a' must be a non-negative number of GPUs, got -1"},
    {"accelerator_setting_typo", "tasks:\n  a:\n    accelerator: {reqest: 1}\n    script: x\n", "b.yml:3:27",
     "accelerator in task 'a' has an unknown setting 'reqest' (did you mean 'request'?)"},
    {"label_map", "tasks:\n  a:\n    label: {x: 1}\n    script: x\n", "b.yml:3:12",
     "label in task 'a' must be a name or a list"},
    {"directive_without_value", "tasks:\n  a:\n    queue:\n    script: x\n", "b.yml:3:5",
     "queue in task 'a' has no value"},
    {"params_not_map", "params: [1, 2]\ntasks:\n  a:\n    script: x\n", "b.yml:1:9", "'params' must be a map"},
    {"duplicate_param", "params:\n  x: 1\n  x: 2\ntasks:\n  a:\n    script: x\n", "b.yml:3:3", "key 'x' appears twice"},
    {"unterminated_string_literal", "tasks:\n  a:\n    script: |\n      echo {{ 'abc }}\n", "b.yml:4:15",
     "unterminated string"},
    // Tags are refused where they stand, before the template is read.
    {"tag_before_template_error", "tasks:\n  a:\n    script: !!str é {{ ] }}\n", "b.yml:3:13",
     "YAML tag 'tag:yaml.org,2002:str' is not supported"},
    {"utf8_before_error", "tasks:\n  a:\n    script: é {{ ] }}\n", "b.yml:3:19",
     "unexpected ']'"},  // columns count bytes
    {"binary_tag", "tasks:\n  a:\n    script: !!binary aGVsbG8=\n", "b.yml:3:13", "YAML tag"},
    {"custom_tag", "tasks:\n  a: !task\n    script: echo\n", "b.yml:2:6", "YAML tag '!task'"},
    // A second document is reported at its '---', the line to remove.
    {"second_document", "tasks:\n  a:\n    script: echo\n---\ntasks:\n  b:\n    script: echo\n", "b.yml:4:1",
     "a second YAML document"},
    {"second_document_after_first_marker", "---\ntasks:\n  a:\n    script: echo\n--- # more\n\n# b\nx: 1\n",
     "b.yml:5:1", "a second YAML document"},
    // yaml-cpp 0.7 loops forever, allocating, on a ',' where a document
    // starts (found by fuzz/pipeline_fuzz.cc).
    {"comma_alone", ",\n", "b.yml:1:1", "YAML syntax error: unexpected ','"},
    {"comma_after_comment", "# expect: b.yml:4:28\n,\nparams:\n  samples: x\ntasks:\n  a:\n    script: echo\n",
     "b.yml:2:1", "YAML syntax error: unexpected ','"},
    {"comma_as_second_document", "tasks:\n  a:\n    script: echo\n---\n,\n", "b.yml:5:1",
     "YAML syntax error: unexpected ','"},
    {"billion_laughs_unused",
     "x0: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n"
     "x1: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nx2: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
     "x3: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\nx4: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
     "x5: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\nx6: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
     "x7: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\nx8: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n"
     "tasks:\n  a:\n    script: echo\n",
     "b.yml:9:1", "expands to more than 1000000 YAML nodes"},
};

class BrokenPipelineTest : public ::testing::TestWithParam<BrokenCase> {};

TEST_P(BrokenPipelineTest, ReportsPositionAndMessage) {
  const BrokenCase& c = GetParam();
  PipelineSpec spec;
  Status st = LoadPipelineText(c.text, "b.yml", &spec);
  ASSERT_FALSE(st.ok()) << c.name << " loaded without error";
  EXPECT_EQ(st.kind(), Status::Kind::kInvalidInput) << c.name;
  EXPECT_EQ(st.message().rfind(std::string(c.where) + ": ", 0), 0u) << c.name << ": " << st.message();
  EXPECT_NE(st.message().find(c.message), std::string::npos) << c.name << ": " << st.message();
}

INSTANTIATE_TEST_SUITE_P(Cases, BrokenPipelineTest, ::testing::ValuesIn(kBroken),
                         [](const ::testing::TestParamInfo<BrokenCase>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace ferry

namespace ferry {
namespace {

// Output declarations: a pattern in the output's text, the map form with
// optional:, and which tasks have late outputs.
TEST(PipelineLoadTest, OutputsDeclarePatternsAndOptionalFiles) {
  PipelineSpec spec;
  Status st = LoadPipelineText(R"(tasks:
  a:
    for_each: [x, y]
    output:
      plain: a.txt
      chunks: "{{ item }}_*.txt"
      report: { path: report.html, optional: true }
      extras: { path: "*.extra", optional: true }
      listed: [b.txt, c.txt]
      sure: { path: d.txt, optional: false }
    script: touch a.txt
  b:
    output:
      o: "{{ 'x' }}[0].txt"
    script: touch x0.txt
  c:
    output:
      o: "o.txt"
    script: touch o.txt
)",
                               "p.yml", &spec);
  ASSERT_TRUE(st.ok()) << st.message();
  const TaskSpec& a = spec.tasks[0];
  ASSERT_EQ(a.output_decls.size(), 6u);
  auto decl = [&](const char* n) { return a.FindOutputDecl(n); };
  EXPECT_FALSE(decl("plain").late());
  EXPECT_TRUE(decl("chunks").pattern && !decl("chunks").optional);
  EXPECT_TRUE(decl("report").optional && !decl("report").pattern);
  EXPECT_TRUE(decl("extras").optional && decl("extras").pattern);
  EXPECT_FALSE(decl("listed").late());
  EXPECT_FALSE(decl("sure").late());
  EXPECT_TRUE(a.late_outputs);
  EXPECT_TRUE(spec.tasks[1].late_outputs);  // a bracket written in the text
  EXPECT_FALSE(spec.tasks[2].late_outputs);
}

}  // namespace
}  // namespace ferry
