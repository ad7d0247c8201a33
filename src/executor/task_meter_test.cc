// RunMetered on real commands: CPU time of the tree, peak RSS, I/O counters,
// peak processes, exit codes as a shell gives them, and signals forwarded.
#include "executor/task_meter.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

namespace ferry {
namespace {

namespace fs = std::filesystem;
constexpr int64_t kMB = 1 << 20;

MeteredRun Sh(const std::string& script) {
  MeteredRun r;
  Status s = RunMetered({"/bin/sh", "-c", script}, &r);
  EXPECT_TRUE(s.ok()) << s.message();
  return r;
}

TEST(TaskMeter, CountsWhatTheWholeTreeUsed) {
  fs::path out = fs::temp_directory_path() / ("ferry-meter-" + std::to_string(getpid()));
  // Two processes under the shell at once, one writing 8 MB, one reading it.
  MeteredRun r = Sh("head -c 8388608 /dev/zero > '" + out.string() + "' & sleep 0.2 & wait; cat '" + out.string() +
                    "' > /dev/null");
  fs::remove(out);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_GE(r.usage.wchar, 8 * kMB);
  EXPECT_GE(r.usage.rchar, 16 * kMB);  // head read /dev/zero, cat read the file
  EXPECT_GE(r.usage.syscw, 1);
  EXPECT_GE(r.usage.peak_procs, 2);  // the shell and at least its sleep, sampled
  EXPECT_GE(r.usage.peak_threads, r.usage.peak_procs);
  EXPECT_GE(r.usage.realtime_ms, 200);
  EXPECT_GT(r.usage.peak_rss, 0);
  EXPECT_GE(r.usage.cpu_user_ms, 0);
  EXPECT_GE(r.usage.cpu_sys_ms, 0);
  EXPECT_EQ(r.usage.queue_ms, -1);
}

TEST(TaskMeter, BusyAndSleepingTasksDiffer) {
  // CPU time, not its share of the wall time: that depends on what else
  // runs on the machine's cores meanwhile.
  MeteredRun busy = Sh("i=0; while [ $i -lt 200000 ]; do i=$((i + 1)); done");
  MeteredRun idle = Sh("sleep 0.3");
  EXPECT_GE(busy.usage.cpu_user_ms + busy.usage.cpu_sys_ms, 100) << busy.usage.realtime_ms;
  EXPECT_GT(CpuPercent(busy.usage), 5 * CpuPercent(idle.usage));
  EXPECT_LT(CpuPercent(idle.usage), 20);
}

TEST(TaskMeter, ExitCodesAreAShellsAndAMissingCommandIsAnError) {
  EXPECT_EQ(Sh("exit 3").exit_code, 3);
  EXPECT_EQ(Sh("kill -KILL $$").exit_code, 128 + SIGKILL);
  MeteredRun r;
  Status s = RunMetered({"/nonexistent/tool", "x"}, &r);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("/nonexistent/tool"), std::string::npos) << s.message();
  EXPECT_FALSE(RunMetered({}, &r).ok());
}

TEST(TaskMeter, TermGoesToTheCommandWhichDecidesHowToEnd) {
  // Sent to this process as the wrapper's kill would, from a thread that
  // has TERM blocked (so that only RunMetered's wait takes it); the command
  // gets the mask this thread had, TERM open.
  sigset_t term, saved;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &term, &saved);
  std::thread killer([] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    kill(getpid(), SIGTERM);
  });
  pthread_sigmask(SIG_SETMASK, &saved, nullptr);
  MeteredRun r = Sh("trap 'exit 9' TERM; sleep 5 & wait");
  killer.join();
  EXPECT_EQ(r.exit_code, 9);
  EXPECT_LT(r.usage.realtime_ms, 4000);
}

TEST(TaskMeter, ChildPidsFile) {
  EXPECT_EQ(ParseChildPids("12 345 \n"), (std::vector<int>{12, 345}));
  EXPECT_EQ(ParseChildPids(""), std::vector<int>{});
  EXPECT_EQ(ParseChildPids("7 x9 8"), std::vector<int>{7});
  EXPECT_EQ(ParseChildPids("99999999999 1"), std::vector<int>{});
}

}  // namespace
}  // namespace ferry
