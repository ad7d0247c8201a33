// What a per-sample pipeline expands into: a csv row's fields carried
// through chains of tasks, `tag` naming each task, pairs crossed with one
// index, two steps joined by sample, lanes grouped, and `when:` marking the
// tasks that will not run. Assertions are on what users see: task names,
// rendered scripts, which tasks wait for which.
#include <gtest/gtest.h>

#include "engine/engine_testing.h"

namespace ferry {
namespace {

using Strings = std::vector<std::string>;

class ExpanderItemsTest : public ::testing::Test {
 protected:
  Status Load(const std::string& pipeline) { return pipeline_.Load(pipeline, "", "/base"); }
  const Task* Named(const std::string& display) const {
    for (const auto& t : pipeline_.graph.tasks)
      if (t.display == display) return &t;
    return nullptr;
  }
  Strings Names() const {
    Strings out;
    for (const auto& t : pipeline_.graph.tasks) out.push_back(t.display);
    return out;
  }
  engine_testing::Expanded pipeline_;
};

const char kSheetChain[] = R"(
tasks:
  trim:
    for_each: "{{ csv('samples.csv') }}"
    tag: "{{ item.sample }}"
    output:
      fq: "{{ item.sample }}.trimmed.fq"
    script: echo {{ item.reads }} > {{ output.fq }}
  sort:
    for_each: "{{ trim.output.fq }}"
    tag: "{{ item.sample }}"
    output:
      sorted: "{{ item.sample }}.sorted"
    script: sort {{ item }} > {{ output.sorted }}; echo {{ item.condition }} {{ item.name }}
  count:
    for_each: "{{ sort.output.sorted }}"
    tag: "{{ item.sample }}-{{ item.condition }}"
    output:
      n: n.txt
    script: wc -l {{ item }} > {{ output.n }}
)";

TEST_F(ExpanderItemsTest, AChainedItemKeepsTheUpstreamRowsFields) {
  pipeline_.host.files["/base/samples.csv"] = "sample,condition,reads\nS1,ctrl,a.fq\nS2,heat,b.fq\n";
  Status st = Load(kSheetChain);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(Names(),
            (Strings{"trim (S1)", "trim (S2)", "sort (S1)", "sort (S2)", "count (S1-ctrl)", "count (S2-heat)"}));
  const Task* sort2 = Named("sort (S2)");
  ASSERT_NE(sort2, nullptr);
  // item is still the upstream file; its fields come from trim's row.
  EXPECT_NE(sort2->script.find("sort " + Named("trim (S2)")->work_dir +
                               "/S2.trimmed.fq > S2.sorted; echo heat S2.trimmed.fq"),
            std::string::npos)
      << sort2->script;
  EXPECT_EQ(sort2->deps, std::vector<uint32_t>{Named("trim (S2)")->index});
  EXPECT_EQ(sort2->chain_deps, sort2->deps);
}

TEST_F(ExpanderItemsTest, AFieldTheUpstreamItemLacksIsAnErrorListingWhatItHas) {
  pipeline_.host.files["/base/samples.csv"] = "sample,condition,reads\nS1,ctrl,a.fq\n";
  std::string p = kSheetChain;
  p.replace(p.find("item.condition }} {{"), 14, "item.conditon");
  Status st = Load(p);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.kind(), Status::Kind::kInvalidInput);
  EXPECT_NE(st.message().find("pipeline.yml:14:"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("has no field 'conditon' (did you mean 'condition'?)"), std::string::npos)
      << st.message();
  EXPECT_NE(st.message().find("keys: sample, condition, reads"), std::string::npos) << st.message();
}

TEST_F(ExpanderItemsTest, PairsCrossedWithOneIndexThenJoinedBySample) {
  for (const char* f : {"g_1.fq", "g_2.fq", "l_1.fq", "l_2.fq"}) pipeline_.host.files[std::string("/base/r/") + f] = "";
  Status st = Load(R"(
tasks:
  index:
    output:
      idx: idx
    script: mkdir {{ output.idx }}
  quant:
    for_each: "{{ cross(pairs('r/*_{1,2}.fq'), 'index', index.output.idx) }}"
    tag: "{{ item.id }}"
    output:
      sf: "{{ item.id }}.sf"
    script: quant {{ item.index }} {{ item.files }} > {{ output.sf }}
  qc:
    for_each: "{{ pairs('r/*_{1,2}.fq') }}"
    tag: "{{ item.id }}"
    output:
      html: "{{ item.id }}.html"
    script: qc {{ item.files[0] }} > {{ output.html }}
  report:
    for_each: "{{ join_on(quant.items, qc.items, 'id') }}"
    tag: "{{ item.id }}"
    output:
      txt: "{{ item.id }}.txt"
    script: cat {{ item.sf }} {{ item.html }} > {{ output.txt }}
)");
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(Names(), (Strings{"index", "quant (g)", "quant (l)", "qc (g)", "qc (l)", "report (g)", "report (l)"}));
  const Task* q = Named("quant (l)");
  EXPECT_NE(q->script.find("quant " + Named("index")->work_dir + "/idx /base/r/l_1.fq /base/r/l_2.fq > l.sf"),
            std::string::npos)
      << q->script;
  const Task* r = Named("report (l)");
  // The joined item holds both outputs (and the index quant had), so report
  // waits for the tasks of that sample only.
  EXPECT_EQ(r->deps, (std::vector<uint32_t>{Named("index")->index, Named("quant (l)")->index, Named("qc (l)")->index}));
  EXPECT_NE(r->script.find("cat " + q->work_dir + "/l.sf " + Named("qc (l)")->work_dir + "/l.html"), std::string::npos)
      << r->script;
}

TEST_F(ExpanderItemsTest, LanesGroupedBySampleGiveOneTaskWithAListOfFiles) {
  pipeline_.host.files["/base/lanes.csv"] = "sample,lane,fastq\nA,1,a1.fq\nB,1,b1.fq\nA,2,a2.fq\n";
  Status st = Load(R"(
tasks:
  merge:
    for_each: "{{ group_by(csv('lanes.csv'), 'sample') }}"
    tag: "{{ item.sample }}"
    output:
      fq: "{{ item.sample }}.fq"
    script: cat {{ item.fastq }} > {{ output.fq }}; echo {{ len(item.lane) }} lanes
)");
  ASSERT_TRUE(st.ok()) << st.message();
  ASSERT_EQ(Names(), (Strings{"merge (A)", "merge (B)"}));
  EXPECT_NE(Named("merge (A)")->script.find("cat a1.fq a2.fq > A.fq; echo 2 lanes"), std::string::npos)
      << Named("merge (A)")->script;
}

TEST_F(ExpanderItemsTest, WhenMarksTheTasksThatWillNotRun) {
  Status st = Load(R"(
tasks:
  work:
    for_each: "{{ range(0, 3) }}"
    when: "{{ item != 1 }}"
    output:
      o: "o{{ item }}.txt"
    script: touch {{ output.o }}
  qc:
    when: false
    script: "true"
  always:
    when: true
    script: "true"
)");
  ASSERT_TRUE(st.ok()) << st.message();
  std::vector<bool> skipped;
  for (const auto& t : pipeline_.graph.tasks) skipped.push_back(t.when_false);
  EXPECT_EQ(skipped, (std::vector<bool>{false, true, false, true, false}));
}

TEST_F(ExpanderItemsTest, InputsOfATaskThatWillNotRunNeedNotExist) {
  Status st = Load(R"(
tasks:
  work:
    for_each: "{{ range(0, 3) }}"
    when: "{{ item == 1 }}"
    input:
      data: "{{ 'missing-' + item + '.txt' }}"
    script: cat {{ input.data }}
)");
  ASSERT_FALSE(st.ok());  // work (2) runs, and its input is not there
  EXPECT_NE(st.message().find("no such file 'missing-1.txt'"), std::string::npos) << st.message();
}

// A missing input is reported where its path is written: the element of a
// YAML list, or the input's one value; not the task's name.
TEST_F(ExpanderItemsTest, AMissingInputIsReportedAtItsPath) {
  Status st = Load(R"(
tasks:
  work:
    input:
      data: [/, missing.txt]
    script: cat {{ input.data }}
)");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message().rfind("pipeline.yml:5:17: input 'data' of task 'work': no such file 'missing.txt'", 0), 0u)
      << st.message();
  // An element that makes several paths: the list as a whole, not an element
  // its paths do not line up with.
  pipeline_.host.files["/base/l.txt"] = "/\nmissing.txt\n";
  st = Load(R"(
tasks:
  work:
    input:
      data: ["{{ lines('l.txt') }}", /]
    script: cat {{ input.data }}
)");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message().rfind("pipeline.yml:5:13: input 'data' of task 'work': no such file 'missing.txt'", 0), 0u)
      << st.message();
}

TEST_F(ExpanderItemsTest, AWhenThatIsNotABooleanIsAnInputErrorAtItsLine) {
  Status st = Load(R"(
tasks:
  work:
    for_each: "{{ range(0, 2) }}"
    when: "{{ item }}"
    script: "true"
)");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.kind(), Status::Kind::kInvalidInput);
  EXPECT_NE(st.message().find("pipeline.yml:5:11: when of task 'work (1)' must be true or false, got integer '0'"),
            std::string::npos)
      << st.message();
}

}  // namespace
}  // namespace ferry
