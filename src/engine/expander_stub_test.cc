// -stub-run and the pipeline's bin/ as the expander sees them: which script
// a task renders, and which changes give a task a new identity (so -resume
// never takes a stub's results for real ones, and re-runs tasks after a
// script in bin/ changed).
#include <gtest/gtest.h>

#include "engine/engine_testing.h"

namespace ferry {
namespace {

const char kPipeline[] = R"(
tasks:
  align:
    for_each: [a, b]
    output:
      bam: "{{ item }}.bam"
    script: real_aligner {{ item }} > {{ output.bam }}
    stub: touch {{ output.bam }}
  report:
    output:
      html: report.html
    script: echo report > {{ output.html }}
)";

struct Expansion {
  std::vector<std::string> scripts, hashes;
};

Expansion Expand(bool stub_run, const std::string& bin_digest = "") {
  engine_testing::Expanded e;
  e.stub_run = stub_run;
  e.bin_digest = bin_digest;
  Status st = e.Load(kPipeline, "", "/base");
  EXPECT_TRUE(st.ok()) << st.message();
  Expansion r;
  for (const auto& t : e.graph.tasks) {
    r.scripts.push_back(t.script);
    r.hashes.push_back(t.hash);
  }
  return r;
}

TEST(ExpanderStubTest, StubRunRendersTheStubWhereThereIsOne) {
  Expansion real = Expand(false), stub = Expand(true);
  ASSERT_EQ(stub.scripts.size(), 3u);
  EXPECT_EQ(real.scripts[0], "real_aligner a > a.bam");
  EXPECT_EQ(stub.scripts[0], "touch a.bam");
  EXPECT_EQ(stub.scripts[2], "echo report > report.html");  // no stub: its script
}

TEST(ExpanderStubTest, AStubHasAnIdentityOfItsOwn) {
  Expansion real = Expand(false), stub = Expand(true);
  EXPECT_NE(real.hashes[0], stub.hashes[0]);
  EXPECT_NE(real.hashes[1], stub.hashes[1]);
  // A task that runs its script either way is the same task.
  EXPECT_EQ(real.hashes[2], stub.hashes[2]);
}

TEST(ExpanderStubTest, ABinChangeGivesEveryTaskANewIdentity) {
  Expansion none = Expand(false), v1 = Expand(false, "aaaa"), v2 = Expand(false, "bbbb"), again = Expand(false, "aaaa");
  for (size_t i = 0; i < none.hashes.size(); ++i) {
    EXPECT_NE(none.hashes[i], v1.hashes[i]);
    EXPECT_NE(v1.hashes[i], v2.hashes[i]);
    EXPECT_EQ(v1.hashes[i], again.hashes[i]);
  }
}

}  // namespace
}  // namespace ferry
