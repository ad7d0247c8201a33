#include "aws/etag.h"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "aws/crypto.h"
#include "util/temp_dir_testing.h"

namespace ferry::aws {
namespace {

namespace fs = std::filesystem;

TEST(EtagParts, NeverMoreThan10000Parts) {
  const int64_t MiB = 1 << 20;
  EXPECT_EQ(ChoosePartSize(1LL << 30, 8 * MiB), 8 * MiB);
  EXPECT_EQ(ChoosePartSize(10, 1 * MiB), 5 * MiB);  // S3's minimum part size
  for (int64_t size : {80LL << 30, 100LL << 30, 5LL << 40}) {
    int64_t part = ChoosePartSize(size, 8 * MiB);
    EXPECT_LE((size + part - 1) / part, 10000) << size;
    EXPECT_EQ(part % MiB, 0);
  }
}

TEST(Etag, MultipartEtagFollowsS3Rule) {
  std::string p1 = Md5("hello "), p2 = Md5("world");
  EXPECT_EQ(MultipartEtag({p1, p2}), HexEncode(Md5(p1 + p2)) + "-2");
  EXPECT_TRUE(IsPlainMd5Etag("5d41402abc4b2a76b9719d911017c592"));
  EXPECT_FALSE(IsPlainMd5Etag(MultipartEtag({p1, p2})));
}

using ContentEtagTest = ferry::testing::TempDirTest;

TEST_F(ContentEtagTest, MatchesWhatS3GivesSingleAndMultipartUploads) {
  std::string small = dir() + "/small", big = dir() + "/big";
  std::ofstream(small) << "hello";
  std::string data(13 << 20, 'x');
  for (size_t i = 0; i < data.size(); i += 4096) data[i] = static_cast<char>(i / 4096);
  std::ofstream(big, std::ios::binary) << data;
  EtagLayout layout;  // 8 MiB threshold and parts: the transfer manager's defaults
  std::string etag;
  ASSERT_TRUE(ContentEtag(small, 5, layout, &etag).ok());
  EXPECT_EQ(etag, "5d41402abc4b2a76b9719d911017c592");
  ASSERT_TRUE(ContentEtag(big, static_cast<int64_t>(data.size()), layout, &etag).ok());
  std::string p1 = Md5(std::string_view(data).substr(0, 8 << 20));
  std::string p2 = Md5(std::string_view(data).substr(8 << 20));
  EXPECT_EQ(etag, MultipartEtag({p1, p2}));
  // The single-part layout gives the plain MD5 of any size.
  ASSERT_TRUE(ContentEtag(big, static_cast<int64_t>(data.size()), kSinglePartLayout, &etag).ok());
  EXPECT_EQ(etag, HexEncode(Md5(data)));
  Status s = ContentEtag(small, 50, layout, &etag);  // shorter than expected: changed meanwhile
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find(small), std::string::npos) << s.message();
  s = ContentEtag(dir() + "/missing", 1, layout, &etag);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("missing"), std::string::npos) << s.message();
}

TEST_F(ContentEtagTest, ReadsAnOpenDescriptorFromTheStartWithoutMovingIt) {
  std::string p = dir() + "/f";
  std::ofstream(p) << "hello";
  int fd = ::open(p.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::lseek(fd, 3, SEEK_SET), 3);
  std::string etag;
  ASSERT_TRUE(ContentEtag(fd, 5, kSinglePartLayout, &etag).ok());
  EXPECT_EQ(etag, "5d41402abc4b2a76b9719d911017c592");
  EXPECT_EQ(::lseek(fd, 0, SEEK_CUR), 3);
  ::close(fd);
}

}  // namespace
}  // namespace ferry::aws
