#include "util/sys_error.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>

namespace ferry {
namespace {

TEST(SysError, NamesTheErrnoBesideTheMessage) {
  EXPECT_EQ(ErrnoText(ENOSPC), "No space left on device (ENOSPC)");
  EXPECT_EQ(ErrnoText(ENAMETOOLONG), "File name too long (ENAMETOOLONG)");
  EXPECT_EQ(ErrnoText(std::error_code(EACCES, std::generic_category())), "Permission denied (EACCES)");
  std::error_code ec;
  std::filesystem::create_directories("/proc/self/ferry-cannot-be-here", ec);
  ASSERT_TRUE(ec);
  EXPECT_NE(ErrnoText(ec).find(" (E"), std::string::npos) << ErrnoText(ec);
  EXPECT_EQ(ErrnoText(99999), "error 99999");
}

}  // namespace
}  // namespace ferry
