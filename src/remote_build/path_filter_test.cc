#include "remote_build/path_filter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "remote_build/emulator_fixture.h"

namespace ferry::remote_build {
namespace {

TEST(GlobMatch, StarStopsAtSlashDoubleStarCrossesIt) {
  EXPECT_TRUE(GlobMatch("*.txt", "a.txt"));
  EXPECT_FALSE(GlobMatch("*.txt", "d/a.txt"));
  EXPECT_TRUE(GlobMatch("**/*.txt", "a.txt"));
  EXPECT_TRUE(GlobMatch("**/*.txt", "d/e/a.txt"));
  EXPECT_TRUE(GlobMatch("a/**/b", "a/b"));
  EXPECT_TRUE(GlobMatch("a/**/b", "a/x/y/b"));
  EXPECT_FALSE(GlobMatch("a/**/b", "a/x/yb"));
  EXPECT_TRUE(GlobMatch("a/**", "a/x/y"));
  EXPECT_TRUE(GlobMatch("file?.[ch]", "file1.c"));
  EXPECT_FALSE(GlobMatch("file?.[!ch]", "file1.c"));
  EXPECT_TRUE(GlobMatch("[a-c]x", "bx"));
  EXPECT_TRUE(GlobMatch("\\*", "*"));
  EXPECT_FALSE(GlobMatch("\\*", "a"));
  EXPECT_TRUE(GlobMatch("[unclosed", "[unclosed"));
}

TEST(PathFilter, DefaultsDropGitCachesAndSnakemakeButKeepItsLogs) {
  PathFilter f = UploadFilter({});
  EXPECT_TRUE(f.Excluded(".git/config", false));
  EXPECT_TRUE(f.Excluded("sub/.git/HEAD", false));
  EXPECT_TRUE(f.Excluded("pkg/__pycache__/m.cpython-311.pyc", false));
  EXPECT_TRUE(f.Excluded("scripts/x.pyc", false));
  EXPECT_TRUE(f.Excluded(".snakemake/incomplete/x", false));
  EXPECT_FALSE(f.Excluded(".snakemake/log/2024.log", false));
  EXPECT_FALSE(f.Excluded(".snakemake/metadata/abc", false));
  EXPECT_FALSE(f.Excluded(".snakemake/storage/s3/x", false));
  EXPECT_FALSE(f.Excluded("Snakefile", false));
  EXPECT_FALSE(f.Excluded("results/.snakemake/x", false));  // only the top-level .snakemake
  // .git is never entered; .snakemake must be, for its log/.
  EXPECT_TRUE(f.CanPrune(".git"));
  EXPECT_FALSE(f.CanPrune(".snakemake"));
  EXPECT_TRUE(f.CanPrune(".snakemake/incomplete"));
  EXPECT_FALSE(f.CanPrune("results"));
}

TEST(PathFilter, GitignoreLikeLines) {
  PathFilter f =
      UploadFilter({"# a comment", "", "*.key", "data/", "/top.txt", "logs/*.log", "!logs/keep.log", "tmp/**/cache"});
  EXPECT_TRUE(f.Excluded("secret.key", false));
  EXPECT_TRUE(f.Excluded("a/b/secret.key", false));
  EXPECT_TRUE(f.Excluded("deep/er/secret.key", false));
  EXPECT_TRUE(f.Excluded("data/raw.fastq", false));
  EXPECT_TRUE(f.Excluded("x/data/raw.fastq", false));
  EXPECT_FALSE(f.Excluded("data", false));  // a file named data is not the directory
  EXPECT_TRUE(f.Excluded("top.txt", false));
  EXPECT_FALSE(f.Excluded("sub/top.txt", false));
  EXPECT_TRUE(f.Excluded("logs/a.log", false));
  EXPECT_FALSE(f.Excluded("logs/keep.log", false));
  EXPECT_FALSE(f.Excluded("logs/sub/a.log", false));
  EXPECT_TRUE(f.Excluded("tmp/a/b/cache/file", false));
  EXPECT_TRUE(f.CanPrune("data"));
  EXPECT_FALSE(f.CanPrune("logs"));
}

TEST(DownloadSelection, EverythingByDefaultPatternsSelectAndBangNegates) {
  DownloadSelection all({}, {});
  EXPECT_TRUE(all.Selected("results/a.json"));
  EXPECT_FALSE(all.Selected(".git/config"));
  EXPECT_TRUE(all.Selected(".snakemake/log/x.log"));
  EXPECT_FALSE(all.Selected(".snakemake/incomplete/x"));

  DownloadSelection some({"results/*.json", "auspice/"}, {});
  EXPECT_TRUE(some.Selected("results/a.json"));
  EXPECT_FALSE(some.Selected("results/a.tsv"));
  EXPECT_TRUE(some.Selected("auspice/tree.json"));
  EXPECT_FALSE(some.Selected("Snakefile"));

  DownloadSelection negated({"!*.log"}, {});
  EXPECT_TRUE(negated.Selected("results/a.tsv"));
  EXPECT_FALSE(negated.Selected("logs/run.log"));

  DownloadSelection excluded({}, {"results/"});
  EXPECT_FALSE(excluded.Selected("results/a.json"));
  EXPECT_TRUE(excluded.Selected("auspice/tree.json"));
}

TEST(AwsSyncFilterArgs, SameExcludesInTheAwsCliForm) {
  std::vector<std::string> args = AwsSyncFilterArgs({"*.tmp", "/data/", "!keep.tmp"});
  auto has = [&](const std::string& flag, const std::string& glob) {
    for (size_t i = 0; i + 1 < args.size(); i += 2)
      if (args[i] == flag && args[i + 1] == glob) return true;
    return false;
  };
  EXPECT_TRUE(has("--exclude", ".git/*"));
  EXPECT_TRUE(has("--exclude", "*/.git/*"));
  EXPECT_TRUE(has("--exclude", ".snakemake/*"));
  EXPECT_FALSE(has("--exclude", "*/.snakemake/*"));
  EXPECT_TRUE(has("--include", ".snakemake/log/*"));
  EXPECT_TRUE(has("--include", ".snakemake/storage/*"));
  EXPECT_TRUE(has("--exclude", "*.pyc"));
  EXPECT_TRUE(has("--exclude", "*.tmp"));
  EXPECT_TRUE(has("--exclude", "data/*"));
  EXPECT_FALSE(has("--exclude", "*/data/*"));
  EXPECT_TRUE(has("--include", "keep.tmp"));
  EXPECT_TRUE(has("--include", "*/keep.tmp"));
  // Order is kept: the aws CLI, like us, lets the last match win.
  auto pos = [&](const std::string& glob) { return std::find(args.begin(), args.end(), glob) - args.begin(); };
  EXPECT_LT(pos(".snakemake/*"), pos(".snakemake/log/*"));
  EXPECT_LT(pos("*.tmp"), pos("keep.tmp"));
}

TEST(ReadFerryIgnore, MissingFileIsEmptyPresentFileGivesLines) {
  std::string dir = testing::MakeTempDir("ignore");
  std::vector<std::string> lines{"stale"};
  ASSERT_TRUE(ReadFerryIgnore(dir, &lines).ok());
  EXPECT_TRUE(lines.empty());
  std::ofstream(dir + "/.ferryignore") << "# c\n*.bam\nscratch/\n";
  ASSERT_TRUE(ReadFerryIgnore(dir, &lines).ok());
  EXPECT_EQ(lines, (std::vector<std::string>{"# c", "*.bam", "scratch/"}));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ferry::remote_build
