#include "util/user_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>

#include <gtest/gtest.h>

#include "util/temp_dir_testing.h"

namespace ferry {
namespace {

using ReadUserFileTest = testing::TempDirTest;

TEST_F(ReadUserFileTest, ReadsARegularFile) {
  std::string path = dir() + "/p.yml";
  std::ofstream(path) << "tasks: {}\n";
  std::string text;
  ASSERT_TRUE(ReadUserFile(path, &text).ok());
  EXPECT_EQ(text, "tasks: {}\n");
}

TEST(ReadUserFile, MissingFileIsNotFound) {
  std::string text = "unchanged";
  Status s = ReadUserFile("/nonexistent/ferry/p.yml", &text);
  EXPECT_EQ(s.kind(), Status::Kind::kNotFound) << s.message();
  EXPECT_EQ(text, "unchanged");
}

TEST(ReadUserFile, RefusesADeviceWithoutReadingIt) {
  std::string text;
  Status s = ReadUserFile("/dev/zero", &text);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("character device"), std::string::npos) << s.message();
}

TEST_F(ReadUserFileTest, RefusesAFifoAtOnce) {
  std::string path = dir() + "/fifo.yml";
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  auto start = std::chrono::steady_clock::now();
  std::string text;
  Status s = ReadUserFile(path, &text);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("FIFO"), std::string::npos) << s.message();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST_F(ReadUserFileTest, RefusesADirectory) {
  std::string text;
  Status s = ReadUserFile(dir(), &text);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("a directory"), std::string::npos) << s.message();
}

TEST_F(ReadUserFileTest, RefusesAFileOverTheLimit) {
  std::string path = dir() + "/big.yml";
  std::ofstream(path) << std::string(2048, 'x');
  std::string text;
  Status s = ReadUserFile(path, &text, 1024);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("larger than the 1 KB"), std::string::npos) << s.message();
  EXPECT_TRUE(text.empty());
}

}  // namespace
}  // namespace ferry
