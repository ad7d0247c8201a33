#include "ui/progress.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "util/text.h"

namespace ferry {
namespace {

// Captures what a Progress writes.
class Capture {
 public:
  Capture() : f_(open_memstream(&buf_, &len_)) {}
  ~Capture() {
    if (f_) std::fclose(f_);
    std::free(buf_);
  }
  FILE* file() { return f_; }
  std::string text() {
    std::fflush(f_);
    return std::string(buf_, len_);
  }

 private:
  char* buf_ = nullptr;
  size_t len_ = 0;
  FILE* f_;
};

size_t Count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

TaskEvent Ev(const std::string& process, int n, TaskState state, int exit_code = -1) {
  TaskEvent e;
  e.process = process;
  e.name = process + " (" + std::to_string(n) + ")";
  e.hash_prefix = "ab/12cd34";
  e.executor = "local";
  e.state = state;
  e.exit_code = exit_code;
  return e;
}

TEST(ProgressTest, PlainModeWritesOneLinePerEvent) {
  Capture c;
  auto p = MakeProgress(false, c.file());
  p->Planned("count", 2);
  Dispatch(p.get(), Ev("count", 1, TaskState::kSubmitted));
  Dispatch(p.get(), Ev("count", 2, TaskState::kCached));
  Dispatch(p.get(), Ev("count", 1, TaskState::kFailed, 1));
  p->Message("ERROR ~ count (1) failed\nsee .command.err");
  p->Tick();
  p->Finish("Completed: 0, cached: 1, failed: 1");
  EXPECT_EQ(c.text(),
            "[ab/12cd34] Submitted process > count (1) [local]\n"
            "[ab/12cd34] Cached process > count (2)\n"
            "[ab/12cd34] Failed process > count (1) [local] (exit 1)\n"
            "ERROR ~ count (1) failed\nsee .command.err\n"
            "Completed: 0, cached: 1, failed: 1\n");
  EXPECT_EQ(c.text().find('\x1b'), std::string::npos);  // no escape codes in logs
}

TEST(ProgressTest, AnsiModeRedrawsInPlaceWithCounts) {
  Capture c;
  ProgressOptions o;
  o.min_redraw_ms = 0;  // draw on every event for this test
  o.width = 0;
  o.height = 0;
  auto p = MakeProgress(true, c.file(), o);
  p->Planned("count", 3);
  p->Planned("total", 1);
  Dispatch(p.get(), Ev("count", 1, TaskState::kSubmitted));
  Dispatch(p.get(), Ev("count", 1, TaskState::kCompleted, 0));
  p->Message("WARN: something to know");
  Dispatch(p.get(), Ev("count", 2, TaskState::kCached));
  p->Finish("Done: 2 tasks");
  std::string out = c.text();
  // The latest state is on screen, then the summary.
  EXPECT_NE(out.find("executor >  local (1)\n"), std::string::npos) << out;
  EXPECT_NE(out.find("[ab/12cd34] process > count (2) [ 66%] 2 of 3, cached: 1\n"), std::string::npos) << out;
  EXPECT_NE(out.find("[-        ] process > total     [  0%] 0 of 1\n"), std::string::npos) << out;
  EXPECT_TRUE(EndsWith(out, "Done: 2 tasks\n")) << out;
  // Redraws move the cursor back up over the previous table and clear lines.
  EXPECT_NE(out.find("\x1b[3A\r"), std::string::npos);
  EXPECT_NE(out.find("\x1b[2K"), std::string::npos);
  // The message is printed whole, once, with the table erased before it.
  EXPECT_EQ(Count(out, "WARN: something to know\n"), 1u);
  EXPECT_NE(out.find("\x1b[3A\r\x1b[JWARN: something to know\n"), std::string::npos);
}

TEST(ProgressTest, NoticesAreMarkedAndColouredOnlyWhenColourIsOn) {
  for (int colour : {1, 0}) {
    Capture c;
    ProgressOptions o;
    o.min_redraw_ms = 0;
    o.width = 0;
    o.height = 0;
    o.colour = colour;
    auto p = MakeProgress(true, c.file(), o);
    p->Planned("count", 1);
    Dispatch(p.get(), Ev("count", 1, TaskState::kSubmitted));
    Dispatch(p.get(), Ev("count", 1, TaskState::kFailed, 1));
    p->Notice(Severity::kWarning, "disk nearly full");
    p->Notice(Severity::kError, "task 'count (1)' failed");
    p->Notice(Severity::kInfo, "retrying");
    p->Finish("done");
    std::string out = c.text();
    if (colour) {
      EXPECT_NE(out.find("\x1b[33mwarning:\x1b[0m disk nearly full\n"), std::string::npos) << out;
      EXPECT_NE(out.find("\x1b[31mERROR:\x1b[0m task 'count (1)' failed\n"), std::string::npos) << out;
      EXPECT_NE(out.find("\x1b[31m[ab/12cd34] process > count (1)"), std::string::npos) << out;
    } else {
      EXPECT_NE(out.find("warning: disk nearly full\n"), std::string::npos) << out;
      EXPECT_NE(out.find("ERROR: task 'count (1)' failed\n"), std::string::npos) << out;
      EXPECT_EQ(out.find("\x1b[3"), std::string::npos) << out;  // no colour codes at all
    }
    EXPECT_NE(out.find("\x1b[Jretrying\n"), std::string::npos) << out;  // info: as it is
  }
}

TEST(ProgressTest, PlainModeMarksNoticesWithoutColour) {
  Capture c;
  ProgressOptions o;
  o.colour = 1;  // plain lines are for logs: never coloured
  auto p = MakeProgress(false, c.file(), o);
  p->Notice(Severity::kWarning, "disk nearly full");
  Dispatch(p.get(), Ev("count", 1, TaskState::kFailed, 1));
  EXPECT_EQ(c.text(), "warning: disk nearly full\n[ab/12cd34] Failed process > count (1) [local] (exit 1)\n");
}

TEST(ProgressTest, AnsiModeThrottlesRedraws) {
  Capture c;
  ProgressOptions o;
  o.width = 0;
  o.height = 0;
  auto p = MakeProgress(true, c.file(), o);  // default: at most one redraw per 200 ms
  p->Planned("count", 10000);
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 1; i <= 5000; ++i) {
    Dispatch(p.get(), Ev("count", i, TaskState::kSubmitted));
    Dispatch(p.get(), Ev("count", i, TaskState::kCompleted, 0));
  }
  p->Finish("done");
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::string out = c.text();
  size_t redraws = Count(out, "executor >");
  size_t allowed = 2 + static_cast<size_t>(secs / 0.2);
  EXPECT_LE(redraws, allowed) << "in " << secs << " s";
  EXPECT_LT(out.size(), 10000u);  // a few redraws, not 10,000
  EXPECT_NE(out.find("[ 50%] 5000 of 10000"), std::string::npos);
}

TEST(ProgressTest, TickCatchesUpAfterEventsStop) {
  Capture c;
  ProgressOptions o;
  o.min_redraw_ms = 50;
  o.width = 0;
  o.height = 0;
  auto p = MakeProgress(true, c.file(), o);
  p->Planned("count", 2);
  Dispatch(p.get(), Ev("count", 1, TaskState::kSubmitted));     // first event draws at once
  Dispatch(p.get(), Ev("count", 1, TaskState::kCompleted, 0));  // throttled
  EXPECT_EQ(c.text().find("1 of 2"), std::string::npos);
  std::this_thread::sleep_for(std::chrono::milliseconds(80));
  p->Tick();
  EXPECT_NE(c.text().find("[ 50%] 1 of 2"), std::string::npos) << c.text();
  size_t len = c.text().size();
  p->Tick();  // nothing changed: nothing written
  EXPECT_EQ(c.text().size(), len);
}

TEST(ProgressTest, PlainModeWritesOneLinePerEventWithoutRedraws) {
  // Plain mode is for logs and pipes: every event is one line, nothing is
  // redrawn (no cursor movement), however many events arrive.
  Capture c;
  auto p = MakeProgress(false, c.file());
  for (int i = 0; i < 10000; ++i) Dispatch(p.get(), Ev("count", i, TaskState::kCompleted, 0));
  std::string out = c.text();
  EXPECT_EQ(Count(out, "\n"), 10000u);
  EXPECT_EQ(out.find('\x1b'), std::string::npos);
}

}  // namespace
}  // namespace ferry
