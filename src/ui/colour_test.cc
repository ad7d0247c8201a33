#include "ui/colour.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>

namespace ferry {
namespace {

// The terminal side of a pseudo-terminal, as a FILE*, so the test sees what
// ferry sees when it writes to a terminal.
class Pty {
 public:
  Pty() {
    master_ = posix_openpt(O_RDWR | O_NOCTTY);
    if (master_ < 0 || grantpt(master_) != 0 || unlockpt(master_) != 0) return;
    int slave = open(ptsname(master_), O_RDWR | O_NOCTTY);
    if (slave >= 0) file_ = fdopen(slave, "w");
  }
  ~Pty() {
    if (file_) std::fclose(file_);
    if (master_ >= 0) close(master_);
  }
  FILE* file() { return file_; }

 private:
  int master_ = -1;
  FILE* file_ = nullptr;
};

class ColourTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("NO_COLOR");
    setenv("TERM", "xterm", 1);
    SetColourAllowed(true);
  }
  void TearDown() override {
    unsetenv("NO_COLOR");
    SetColourAllowed(true);
  }
};

TEST_F(ColourTest, OnForATerminalOnly) {
  Pty pty;
  ASSERT_NE(pty.file(), nullptr);
  EXPECT_TRUE(ColourOn(pty.file()));
  FILE* file = std::tmpfile();
  EXPECT_FALSE(ColourOn(file));
  std::fclose(file);
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  FILE* pipe_end = fdopen(fds[1], "w");
  EXPECT_FALSE(ColourOn(pipe_end));
  std::fclose(pipe_end);
  close(fds[0]);
}

TEST_F(ColourTest, NoColorWithAnyNonEmptyValueTurnsItOff) {
  Pty pty;
  ASSERT_NE(pty.file(), nullptr);
  setenv("NO_COLOR", "", 1);  // empty: as if unset (no-color.org)
  EXPECT_TRUE(ColourOn(pty.file()));
  setenv("NO_COLOR", "0", 1);
  EXPECT_FALSE(ColourOn(pty.file()));
}

TEST_F(ColourTest, AnsiLogFalseAndDumbTerminalsTurnItOff) {
  Pty pty;
  ASSERT_NE(pty.file(), nullptr);
  SetColourAllowed(false);
  EXPECT_FALSE(ColourOn(pty.file()));
  SetColourAllowed(true);
  setenv("TERM", "dumb", 1);
  EXPECT_FALSE(ColourOn(pty.file()));
}

TEST_F(ColourTest, PaintAndMarkedLines) {
  EXPECT_EQ(Paint(Hue::kRed, "x", true), "\x1b[31mx\x1b[0m");
  EXPECT_EQ(Paint(Hue::kGreen, "x", true), "\x1b[32mx\x1b[0m");
  EXPECT_EQ(Paint(Hue::kDim, "x", true), "\x1b[2mx\x1b[0m");
  EXPECT_EQ(Paint(Hue::kYellow, "x", false), "x");
  EXPECT_EQ(WarningText("disk nearly full", true), "\x1b[33mwarning:\x1b[0m disk nearly full");
  EXPECT_EQ(WarningText("disk nearly full", false), "warning: disk nearly full");
  EXPECT_EQ(ErrorText("task 'a' failed", true), "\x1b[31mERROR:\x1b[0m task 'a' failed");
  EXPECT_EQ(ErrorText("task 'a' failed", false), "ERROR: task 'a' failed");
}

}  // namespace
}  // namespace ferry
