// Output patterns: what counts as one, what is refused and why, how paths
// match (no crossing '/', no leading dots), and the sh word a Batch job
// globs with, checked against dash itself.
#include "pipeline/output_pattern.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "util/text.h"

namespace ferry {
namespace {

TEST(OutputPattern, PatternCharactersCountOnlyOutsideTemplates) {
  EXPECT_TRUE(TextHasPattern("*.bam"));
  EXPECT_TRUE(TextHasPattern("{{ item.id }}_*.txt"));
  EXPECT_TRUE(TextHasPattern("lane[12].fq"));
  EXPECT_FALSE(TextHasPattern("{{ item[0] }}.txt"));
  EXPECT_FALSE(TextHasPattern("{{ 2 * 3 }}.txt"));
  EXPECT_FALSE(TextHasPattern("result.txt"));
}

TEST(OutputPattern, ProblemsSayWhatAndHow) {
  EXPECT_EQ(PatternProblem("*.bam"), "");
  EXPECT_EQ(PatternProblem("out/*/part_[0-9].txt"), "");
  EXPECT_EQ(PatternProblem("lane[!3].fq"), "");
  EXPECT_NE(PatternProblem("/tmp/*.txt").find("not an absolute path"), std::string::npos);
  EXPECT_NE(PatternProblem("../*.txt").find("'..'"), std::string::npos);
  EXPECT_NE(PatternProblem("a/../*.txt").find("'..'"), std::string::npos);
  EXPECT_NE(PatternProblem("**/*.txt").find("does not descend"), std::string::npos);
  EXPECT_NE(PatternProblem("x[ab.txt").find("never closed"), std::string::npos);
  EXPECT_NE(PatternProblem("x[].txt").find("can never match"), std::string::npos);
  EXPECT_NE(PatternProblem("x[z-a].txt").find("runs backwards"), std::string::npos);
  EXPECT_NE(PatternProblem("x[a b].txt").find("inside a bracket"), std::string::npos);
  EXPECT_NE(PatternProblem("x\\*.txt").find("backslash"), std::string::npos);
  EXPECT_NE(PatternProblem("dir_*/").find("empty path part"), std::string::npos);
  EXPECT_NE(PatternProblem("./*.txt").find("'./'"), std::string::npos);
  EXPECT_NE(PatternProblem(".command.*").find("ferry's own files"), std::string::npos);
  EXPECT_NE(PatternProblem(".exitcode*").find("ferry's own files"), std::string::npos);
}

TEST(OutputPattern, MatchingStaysInOneLevelAndSkipsHiddenFiles) {
  EXPECT_TRUE(MatchesPattern("*.txt", "a b.txt"));
  EXPECT_TRUE(MatchesPattern("*.txt", "-rf.txt"));
  EXPECT_TRUE(MatchesPattern("*.txt", "new\nline.txt"));
  EXPECT_FALSE(MatchesPattern("*.txt", "sub/a.txt"));
  EXPECT_FALSE(MatchesPattern("*.txt", ".hidden.txt"));
  EXPECT_TRUE(MatchesPattern("*/*.txt", "sub/a.txt"));
  EXPECT_TRUE(MatchesPattern("lane[12].fq", "lane2.fq"));
  EXPECT_FALSE(MatchesPattern("lane[!12].fq", "lane2.fq"));
  EXPECT_TRUE(MatchesPattern("lane[^12].fq", "lane3.fq"));
}

TEST(OutputPattern, ShellWordGlobsLikeTheMatcherInDash) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("ferry-pattern-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "o u t");
  for (const char* n : {"it's 1.txt", "-x 2.txt", "$(touch boom) 3.txt", "no.dat", ".hidden 4.txt"})
    std::ofstream(dir / "o u t" / n) << "x";
  for (const char* n : {"l1.fq", "l2.fq", "l3.fq"}) std::ofstream(dir / n) << "x";
  auto glob = [&](const std::string& pattern) {
    std::ofstream(dir / "g.sh") << "for f in " << PatternShellWord(pattern) << "; do printf '%s|' \"$f\"; done\n";
    std::string cmd = "cd " + ShellQuote(dir.string()) + " && LC_ALL=C sh g.sh > out.list";
    EXPECT_EQ(std::system(cmd.c_str()), 0);
    std::ifstream in(dir / "out.list");
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  EXPECT_EQ(glob("o u t/*.txt"), "./o u t/$(touch boom) 3.txt|./o u t/-x 2.txt|./o u t/it's 1.txt|");
  EXPECT_EQ(glob("l[!2].fq"), "./l1.fq|./l3.fq|");
  EXPECT_EQ(glob("l[^2].fq"), "./l1.fq|./l3.fq|");
  EXPECT_EQ(glob("l?.fq"), "./l1.fq|./l2.fq|./l3.fq|");
  EXPECT_FALSE(fs::exists(dir / "boom"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace ferry
