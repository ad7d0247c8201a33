#include "util/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "util/temp_dir_testing.h"

namespace ferry {
namespace {

namespace fs = std::filesystem;
using testing::Slurp;

class AtomicFileTest : public testing::TempDirTest {
 protected:
  size_t Entries(const std::string& d) {
    size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(d)) n++;
    return n;
  }
};

TEST_F(AtomicFileTest, CreatesParentsAndReplacesContents) {
  std::string p = dir() + "/a/b/state.json";
  ASSERT_TRUE(WriteFileAtomically(p, "first, longer contents").ok());
  ASSERT_TRUE(WriteFileAtomically(p, "second").ok());
  EXPECT_EQ(Slurp(p), "second");
  EXPECT_EQ(Entries(dir() + "/a/b"), 1u);  // no temporary left beside it
}

TEST_F(AtomicFileTest, FailureLeavesNothingBehind) {
  std::string p = dir() + "/taken";
  fs::create_directories(p + "/inside");  // a non-empty directory cannot be renamed over
  Status s = WriteFileAtomically(p, "data");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find(p), std::string::npos) << s.message();
  EXPECT_EQ(Entries(dir()), 1u);
  EXPECT_TRUE(fs::is_directory(p));
}

TEST_F(AtomicFileTest, ConcurrentWritersNeverMixTheirBytes) {
  std::string p = dir() + "/shared";
  std::vector<std::string> bodies;
  for (int i = 0; i < 8; i++) bodies.push_back(std::string(64 << 10, static_cast<char>('a' + i)));
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < 8; i++)
    threads.emplace_back([&, i] {
      for (int round = 0; round < 20; round++)
        if (!WriteFileAtomically(p, bodies[i]).ok()) failures++;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  std::string got = Slurp(p);
  EXPECT_NE(std::find(bodies.begin(), bodies.end(), got), bodies.end()) << "mixed contents of size " << got.size();
  EXPECT_EQ(Entries(dir()), 1u);
}

TEST_F(AtomicFileTest, TargetNamesUpToNameMaxWork) {
  // The temporary beside a 250-byte name once passed NAME_MAX, so the write
  // failed with ENAMETOOLONG although the target itself was a legal name.
  for (size_t len : {236u, 250u, 255u}) {
    std::string p = dir() + "/" + std::string(len, 'x');
    Status st = WriteFileAtomically(p, "data");
    ASSERT_TRUE(st.ok()) << len << ": " << st.message();
    EXPECT_EQ(Slurp(p), "data");
    fs::remove(p);
  }
  EXPECT_EQ(Entries(dir()), 0u);
  // A name past NAME_MAX is the caller's error, worded with the errno.
  Status st = WriteFileAtomically(dir() + "/" + std::string(256, 'x'), "data");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("File name too long (ENAMETOOLONG)"), std::string::npos) << st.message();
}

TEST_F(AtomicFileTest, HandsOverTheDescriptorForAppending) {
  std::string p = dir() + "/trace.tsv";
  int fd = -1;
  ASSERT_TRUE(WriteFileAtomically(p, "header\n", &fd).ok());
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "row\n", 4), 4);
  close(fd);
  EXPECT_EQ(Slurp(p), "header\nrow\n");
}

}  // namespace
}  // namespace ferry
