// Late outputs in a local work dir: a pattern's matches are sorted, stay at
// the pattern's depth, include directories, and never include the task's
// staged inputs or ferry's own files; optional outputs that are missing are
// left out; a pattern that matched nothing and a missing required output
// fail naming the output and the work dir.
#include "engine/work_dir.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "pipeline/pipeline.h"
#include "util/temp_dir_testing.h"

namespace ferry {
namespace {

namespace fs = std::filesystem;

class LateOutputsTest : public testing::TempDirTest {
 protected:
  void Touch(const std::string& rel) {
    fs::create_directories((fs::path(dir()) / rel).parent_path());
    std::ofstream(fs::path(dir()) / rel) << "x";
  }
};

TEST_F(LateOutputsTest, PatternMatchesAreSortedAtTheirDepthWithoutInputsOrFerryFiles) {
  for (const char* f : {"b.txt", "-a.txt", "in.txt", ".command.txt", ".hidden.txt", "sub/c.txt", "sub/d/e.txt"})
    Touch(f);
  fs::create_directories(fs::path(dir()) / "sample_1");
  EXPECT_EQ(MatchInDir(dir(), "*.txt", {"in.txt"}), (std::vector<std::string>{"-a.txt", "b.txt"}));
  EXPECT_EQ(MatchInDir(dir(), "*/*.txt", {}), (std::vector<std::string>{"sub/c.txt"}));
  EXPECT_EQ(MatchInDir(dir(), "sample_?", {}), (std::vector<std::string>{"sample_1"}));
  EXPECT_EQ(MatchInDir(dir(), ".*", {}), (std::vector<std::string>{".hidden.txt"}));
  EXPECT_TRUE(MatchInDir(dir() + "/nowhere", "*.txt", {}).empty());
}

TEST_F(LateOutputsTest, CheckOutputsFindsLateOutputsAndNamesWhatIsMissing) {
  PipelineSpec spec;
  Status st = LoadPipelineText(R"(tasks:
  t:
    output:
      parts: "part_*.txt"
      report: { path: report.html, optional: true }
      maybe: { path: [a.txt, b.txt], optional: true }
      none: { path: "*.nothing", optional: true }
      must: must.txt
    script: "true"
)",
                               "p.yml", &spec);
  ASSERT_TRUE(st.ok()) << st.message();
  Task task;
  task.spec = &spec.tasks[0];
  task.work_dir = dir();
  for (const char* o : {"parts", "report", "maybe", "none", "must"}) {
    const auto& [name, tv] = *std::find_if(spec.tasks[0].outputs.begin(), spec.tasks[0].outputs.end(),
                                           [&](const auto& e) { return e.first == o; });
    Value v;
    ASSERT_TRUE(tv.Evaluate(EvalContext(), &v).ok());
    task.outputs.Append(name, v);
  }
  ValueMap found;
  st = CheckOutputs(task, &found);
  EXPECT_NE(st.message().find("output 'parts' (declared at p.yml:4:14) matched nothing: no file in its work dir " +
                              dir() + " matches 'part_*.txt'"),
            std::string::npos)
      << st.message();
  Touch("part_2.txt");
  Touch("part_1.txt");
  found = ValueMap();
  st = CheckOutputs(task, &found);
  EXPECT_NE(st.message().find("missing output 'must' (declared at p.yml:8:13): the script did not create 'must.txt' "
                              "in its work dir " +
                              dir()),
            std::string::npos)
      << st.message();
  Touch("must.txt");
  Touch("b.txt");
  found = ValueMap();
  ASSERT_TRUE(CheckOutputs(task, &found).ok());
  EXPECT_EQ(found.Find("parts")->ToJson(), R"(["part_1.txt", "part_2.txt"])");
  EXPECT_TRUE(found.Find("report")->is_null());
  EXPECT_EQ(found.Find("maybe")->ToJson(), R"(["b.txt"])");
  EXPECT_EQ(found.Find("none")->ToJson(), "[]");
  EXPECT_EQ(found.Find("must"), nullptr);  // not late: nothing to find
}

}  // namespace
}  // namespace ferry
