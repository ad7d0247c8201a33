#include "engine/publish_guard.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "util/temp_dir_testing.h"

namespace ferry {
namespace {

namespace fs = std::filesystem;

class PublishGuardTest : public testing::TempDirTest {};

TEST_F(PublishGuardTest, RefusesTheFileItselfAndDirsHoldingIt) {
  std::ofstream(dir() + "/pipeline.yml") << "tasks: {}\n";
  PublishGuard g;
  g.Protect(dir() + "/./pipeline.yml", "the pipeline file", true);
  Status st = g.Check(dir() + "/pipeline.yml");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "publishing to " + dir() + "/pipeline.yml would overwrite the pipeline file " + dir() +
                              "/pipeline.yml, which this run reads; publish to a directory of its own (e.g. "
                              "publish: results)");
  // A directory output published as the launch dir itself would replace it whole.
  EXPECT_FALSE(g.Check(dir()).ok());
  EXPECT_FALSE(g.Check(dir() + "/sub/../pipeline.yml").ok());
  // Neighbours are fine: a name that only starts the same, a file beside it.
  EXPECT_TRUE(g.Check(dir() + "/pipeline.yml.bak").ok());
  EXPECT_TRUE(g.Check(dir() + "/pipeline").ok());
  EXPECT_TRUE(g.Check(dir() + "/results/pipeline.yml").ok());
}

TEST_F(PublishGuardTest, SeesThroughSymlinkedPublishDirs) {
  fs::create_directories(dir() + "/data");
  std::ofstream(dir() + "/data/reads.txt") << "ACGT\n";
  fs::create_directory_symlink(dir() + "/data", dir() + "/out");
  PublishGuard g;
  g.Protect(dir() + "/data/reads.txt", "an input of task 'count',", false);
  Status st = g.Check(dir() + "/out/reads.txt");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("would overwrite an input of task 'count', " + dir() + "/data/reads.txt"),
            std::string::npos)
      << st.message();
  // Publish dirs that do not exist yet resolve through their existing parent.
  EXPECT_FALSE(g.Check(dir() + "/out/new/../reads.txt").ok());
  EXPECT_TRUE(g.Check(dir() + "/out/new/reads.txt").ok());
  EXPECT_TRUE(g.Check(dir() + "/out/other.txt").ok());
}

TEST_F(PublishGuardTest, ResolvesTheProtectedFilesOwnSymlinks) {
  fs::create_directories(dir() + "/real");
  std::ofstream(dir() + "/real/ferry.config") << "\n";
  fs::create_directory_symlink(dir() + "/real", dir() + "/link");
  PublishGuard g;
  g.Protect(dir() + "/link/ferry.config", "the config file", true);
  EXPECT_FALSE(g.Check(dir() + "/real/ferry.config").ok());
  EXPECT_FALSE(g.Check(dir() + "/link/ferry.config").ok());
  PublishGuard empty;
  EXPECT_TRUE(empty.Check(dir() + "/real/ferry.config").ok());
}

}  // namespace
}  // namespace ferry
