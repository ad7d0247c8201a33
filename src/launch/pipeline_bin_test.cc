// The pipeline's bin/: found beside the pipeline, refused when a script in
// it is not executable, and a digest that follows every file's contents
// and mode (the part of each task's identity that re-runs tasks after an
// edit there), large files included.
#include "launch/pipeline_bin.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "util/temp_dir_testing.h"

namespace ferry {
namespace {

namespace fs = std::filesystem;

class PipelineBinTest : public testing::TempDirTest {
 protected:
  void Put(const std::string& rel, const std::string& text, bool executable = true) {
    fs::path p = fs::path(dir()) / "bin" / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    fs::permissions(p, executable ? fs::perms::owner_all : fs::perms::owner_read | fs::perms::owner_write);
  }
  std::string Digest() {
    PipelineBin bin;
    Status st = ReadPipelineBin(dir(), &bin);
    EXPECT_TRUE(st.ok()) << st.message();
    EXPECT_EQ(bin.dir, dir() + "/bin");
    return bin.digest;
  }
};

TEST_F(PipelineBinTest, NoBinIsNoDigest) {
  PipelineBin bin;
  ASSERT_TRUE(ReadPipelineBin(dir(), &bin).ok());
  EXPECT_EQ(bin.dir, "");
  EXPECT_EQ(bin.digest, "");
}

TEST_F(PipelineBinTest, AScriptThatIsNotExecutableIsRefusedWithTheFix) {
  Put("count.sh", "#!/bin/sh\nwc -l\n", false);
  PipelineBin bin;
  Status st = ReadPipelineBin(dir(), &bin);
  EXPECT_EQ(st.kind(), Status::Kind::kInvalidInput);
  EXPECT_EQ(st.message(), dir() +
                              "/bin/count.sh is not executable, so tasks cannot run it from the pipeline's bin/: "
                              "chmod +x " +
                              dir() + "/bin/count.sh");
  // A helper in a subfolder is read by the scripts, not run from PATH.
  Put("count.sh", "#!/bin/sh\nwc -l\n");
  Put("lib/helpers.py", "X = 1\n", false);
  EXPECT_TRUE(ReadPipelineBin(dir(), &bin).ok());
}

TEST_F(PipelineBinTest, BinThatIsAFileIsRefused) {
  std::ofstream(fs::path(dir()) / "bin") << "not a dir\n";
  PipelineBin bin;
  Status st = ReadPipelineBin(dir(), &bin);
  EXPECT_NE(st.message().find("bin is not a directory"), std::string::npos) << st.message();
}

TEST_F(PipelineBinTest, DigestFollowsContentsModesAndNames) {
  Put("a.sh", "echo a\n");
  Put("lib/h.py", "X = 1\n", false);
  const std::string first = Digest();
  EXPECT_EQ(Digest(), first);         // stable
  Put("lib/h.py", "X = 2\n", false);  // a helper's edit counts too
  const std::string helper = Digest();
  EXPECT_NE(helper, first);
  Put("lib/h.py", "X = 2\n", true);
  EXPECT_NE(Digest(), helper);
  Put("lib/h.py", "X = 1\n", false);
  EXPECT_EQ(Digest(), first);  // back as it was: the same identity
  fs::rename(fs::path(dir()) / "bin" / "a.sh", fs::path(dir()) / "bin" / "b.sh");
  EXPECT_NE(Digest(), first);
}

TEST_F(PipelineBinTest, LargeFilesAreReadWhole) {
  std::string big(3 << 20, 'x');  // over several read chunks
  Put("tool", big);
  const std::string before = Digest();
  big.back() = 'y';
  Put("tool", big);
  EXPECT_NE(Digest(), before);
}

}  // namespace
}  // namespace ferry
