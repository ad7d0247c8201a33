#include "awsbatch/s3_work_store.h"

#include <gtest/gtest.h>

namespace ferry {
namespace {

std::map<std::string, aws::S3Object> Listing(std::vector<std::string> keys) {
  std::map<std::string, aws::S3Object> m;
  for (auto& k : keys) m[k].key = k;
  return m;
}

TEST(S3WorkStore, OutputKeysFindFilesAndDirectories) {
  auto l = Listing({".command.sh", ".exitcode", "out.txt", "outdir/a", "outdir/sub/b", "outdir2/c", "out.txt.bak"});
  EXPECT_EQ(OutputKeys(l, "out.txt"), (std::vector<std::string>{"out.txt"}));
  EXPECT_EQ(OutputKeys(l, "outdir"), (std::vector<std::string>{"outdir/a", "outdir/sub/b"}));
  EXPECT_TRUE(OutputKeys(l, "missing.txt").empty());
  EXPECT_TRUE(OutputKeys(l, "out").empty());
}

}  // namespace
}  // namespace ferry
