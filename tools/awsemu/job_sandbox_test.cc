#include "awsemu/job_sandbox.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace awsemu {
namespace {

SandboxInput Input(std::vector<MountSpec> mounts) {
  SandboxInput in;
  in.command = {"sh", "-c", "true"};
  in.env = {{"PATH", "/usr/bin:/bin"}};
  in.workdir = "/tmp";
  in.mounts = std::move(mounts);
  in.bwrap_path = "/usr/bin/bwrap";
  return in;
}

// A volume mounted where it already is (the host's /usr, a shared CLI
// install) runs the command directly: no bubblewrap that could fail.
TEST(BuildSpawnSpec, VolumesAtTheirOwnPathNeedNoBubblewrap) {
  JobSpawnSpec spec;
  ASSERT_EQ(BuildSpawnSpec(Input({{"/usr", "/usr", true}, {"/opt/aws/", "/opt/aws", true}}), &spec), "");
  ASSERT_FALSE(spec.argv.empty());
  EXPECT_NE(spec.argv[0], "/usr/bin/bwrap");
  EXPECT_EQ(spec.argv[1], "-c");
}

TEST(BuildSpawnSpec, OtherVolumesAreBoundReadOnlyWhenAsked) {
  JobSpawnSpec spec;
  ASSERT_EQ(BuildSpawnSpec(Input({{"/usr", "/usr", true}, {"/etc", "/data", true}}), &spec), "");
  ASSERT_EQ(spec.argv[0], "/usr/bin/bwrap");
  std::vector<std::string> want = {"--ro-bind", "/etc", "/data"};
  auto it = std::search(spec.argv.begin(), spec.argv.end(), want.begin(), want.end());
  EXPECT_NE(it, spec.argv.end());
  // The identity volume is not bound.
  EXPECT_EQ(std::count(spec.argv.begin(), spec.argv.end(), "--ro-bind"), 1);
}

TEST(BuildSpawnSpec, MissingHostPathsAreLeftOut) {
  JobSpawnSpec spec;
  ASSERT_EQ(BuildSpawnSpec(Input({{"/no/such/host/dir", "/data", false}}), &spec), "");
  EXPECT_NE(spec.argv[0], "/usr/bin/bwrap");
}

TEST(BuildSpawnSpec, WithoutBubblewrapHostPathsAreUsedAsTheyAre) {
  JobSpawnSpec spec;
  SandboxInput in = Input({{"/srv/data", "/data", true}});
  in.bwrap_path.clear();
  ASSERT_EQ(BuildSpawnSpec(in, &spec), "");
  EXPECT_NE(spec.argv[0], "/usr/bin/bwrap");
}

}  // namespace
}  // namespace awsemu
