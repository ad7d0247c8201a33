#include "executor/local_executor.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "util/interrupt.h"
#include "util/temp_dir_testing.h"

namespace ferry {
namespace {

namespace fs = std::filesystem;
using testing::Slurp;
using Outcome = TaskResult::Outcome;

// Every test runs twice: tasks started by ShellZygotes (the default), and
// each by a bash of its own (FERRY_LOCAL_ZYGOTE=0). Scripts use $BASHPID
// where they need their pid: $$ sends a task down the second path anyway.
class LocalExecutorTest : public testing::TempDirTest, public ::testing::WithParamInterface<bool> {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    setenv("FERRY_LOCAL_ZYGOTE", GetParam() ? "1" : "0", 1);
  }
  void TearDown() override {
    unsetenv("FERRY_LOCAL_ZYGOTE");
    TempDirTest::TearDown();
  }
  // The parent pid of a task process (from /proc/PID/stat).
  static pid_t ParentOf(pid_t pid) {
    std::string stat = Slurp("/proc/" + std::to_string(pid) + "/stat");
    size_t p = stat.rfind(')');
    if (p == std::string::npos) return -1;
    std::istringstream in(stat.substr(p + 2));
    std::string state;
    pid_t ppid = -1;
    in >> state >> ppid;
    return ppid;
  }

  // A work dir whose .command.run is `script`.
  std::string MakeTask(const std::string& name, const std::string& script) {
    std::string task_dir = dir() + "/" + name;
    fs::create_directories(task_dir);
    std::ofstream(task_dir + "/.command.run") << script;
    return task_dir;
  }
  static TaskRun Run(uint64_t id, const std::string& dir) {
    TaskRun r;
    r.id = id;
    r.name = "t (" + std::to_string(id) + ")";
    r.work_dir = dir;
    return r;
  }
  // Polls until `n` results arrived or `limit_ms` passed.
  static std::vector<TaskResult> WaitFor(Executor* ex, size_t n, int limit_ms = 20000) {
    std::vector<TaskResult> out;
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(limit_ms);
    while (out.size() < n && std::chrono::steady_clock::now() < end) {
      EXPECT_TRUE(ex->Poll(200, &out).ok());
    }
    return out;
  }
  // What a task wrote to `path`, once it holds a whole line: the file
  // exists from the moment the shell opens it, before echo writes.
  static std::string WaitForLine(const std::string& path) {
    std::string s;
    for (int i = 0; i < 1000 && (s = Slurp(path)).find('\n') == std::string::npos; ++i) usleep(10000);
    return s;
  }
  static int OpenFdCount() {
    int n = 0;
    for (auto& e : fs::directory_iterator("/proc/self/fd")) {
      (void)e;
      ++n;
    }
    return n;
  }
  // True unless the process is gone or dead awaiting its reaper (zombie).
  static bool ProcessAlive(pid_t pid) {
    std::string stat = Slurp("/proc/" + std::to_string(pid) + "/stat");
    size_t p = stat.rfind(')');
    return p != std::string::npos && p + 2 < stat.size() && stat[p + 2] != 'Z';
  }
  static double SecondsSince(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  }
};

TEST_P(LocalExecutorTest, SuccessfulTaskReportsExitCodeTimesAndPid) {
  LocalExecutor ex;
  EXPECT_STREQ(ex.name(), "local");
  std::string dir = MakeTask("ok", "echo hello > .command.out\necho 0 > .exitcode\n");
  ASSERT_TRUE(ex.Submit(Run(1, dir)).ok());
  EXPECT_EQ(ex.running(), 1u);
  auto res = WaitFor(&ex, 1);
  ASSERT_EQ(res.size(), 1u);
  EXPECT_EQ(res[0].id, 1u);
  EXPECT_EQ(res[0].outcome, Outcome::kExited);
  EXPECT_EQ(res[0].exit_code, 0);
  EXPECT_GT(std::stoi(res[0].native_id), 1);
  EXPECT_GT(res[0].submit_ms, 0);
  EXPECT_LE(res[0].submit_ms, res[0].start_ms);
  EXPECT_LE(res[0].start_ms, res[0].end_ms);
  EXPECT_EQ(Slurp(dir + "/.command.out"), "hello\n");
  EXPECT_EQ(ex.running(), 0u);
}

// What a task used comes back with its result, both ways it can start: a
// process tree that touched 200 MB, spent CPU, slept, and wrote 50 MB.
TEST_P(LocalExecutorTest, ResultsCarryWhatTheTaskUsed) {
  LocalExecutor ex;
  const std::string touch =
      MakeTask("touch", "/usr/bin/python3 -c 'b = bytearray(200 << 20)\nfor i in range(0, len(b), 4096): b[i] = 1'\n");
  const std::string burn =
      MakeTask("burn", "/usr/bin/python3 -c 'import time\nwhile time.process_time() < 0.3: pass'\n");
  const std::string nap = MakeTask("nap", "sleep 0.4\n");
  const std::string write = MakeTask("write", "head -c 52428800 /dev/zero > out.bin\n");
  ASSERT_TRUE(ex.Submit(Run(1, touch)).ok());
  ASSERT_TRUE(ex.Submit(Run(2, burn)).ok());
  ASSERT_TRUE(ex.Submit(Run(3, nap)).ok());
  ASSERT_TRUE(ex.Submit(Run(4, write)).ok());
  std::map<uint64_t, TaskUsage> used;
  for (const TaskResult& r : WaitFor(&ex, 4)) {
    EXPECT_EQ(r.exit_code, 0) << r.id;
    used[r.id] = r.usage;
  }
  ASSERT_EQ(used.size(), 4u);
  const int64_t mb = int64_t{1} << 20;
  EXPECT_GE(used[1].peak_rss, 200 * mb);
  EXPECT_LE(used[1].peak_rss, 220 * mb);  // within 10%: the interpreter's own few MB
  EXPECT_GE(used[2].cpu_user_ms + used[2].cpu_sys_ms, 280);
  EXPECT_GT(CpuPercent(used[2]), 0);
  EXPECT_GE(used[3].realtime_ms, 400);
  EXPECT_LT(CpuPercent(used[3]), 20);  // asleep, not spinning
  EXPECT_GE(used[4].wchar, 50 * mb);
  EXPECT_GE(used[4].syscw, 1);
  for (auto& [id, u] : used) {
    EXPECT_GE(u.realtime_ms, 0) << id;
    EXPECT_GE(u.cpu_user_ms, 0) << id;
    EXPECT_GT(u.peak_rss, 0) << id;
  }
}

TEST_P(LocalExecutorTest, ExitCodeComesFromExitcodeFileElseWaitStatus) {
  LocalExecutor ex;
  // The wrapper's record wins over the wrapper process's own status.
  std::string a = MakeTask("a", "echo 3 > .exitcode\nexit 0\n");
  // No record: the process status is used.
  std::string b = MakeTask("b", "exit 7\n");
  // A stale record from an earlier attempt must not be trusted.
  std::string c = MakeTask("c", "exit 5\n");
  std::ofstream(c + "/.exitcode") << "0\n";
  ASSERT_TRUE(ex.Submit(Run(1, a)).ok());
  ASSERT_TRUE(ex.Submit(Run(2, b)).ok());
  ASSERT_TRUE(ex.Submit(Run(3, c)).ok());
  auto res = WaitFor(&ex, 3);
  ASSERT_EQ(res.size(), 3u);
  std::map<uint64_t, int> codes;
  for (auto& r : res) {
    EXPECT_EQ(r.outcome, Outcome::kExited);
    codes[r.id] = r.exit_code;
  }
  EXPECT_EQ(codes[1], 3);
  EXPECT_EQ(codes[2], 7);
  EXPECT_EQ(codes[3], 5);
}

TEST_P(LocalExecutorTest, KilledTaskReports128PlusSignal) {
  LocalExecutor ex;
  ASSERT_TRUE(ex.Submit(Run(1, MakeTask("k", "kill -9 $BASHPID\n"))).ok());
  auto res = WaitFor(&ex, 1);
  ASSERT_EQ(res.size(), 1u);
  EXPECT_EQ(res[0].outcome, Outcome::kExited);
  EXPECT_EQ(res[0].exit_code, 128 + 9);
}

TEST_P(LocalExecutorTest, TimeLimitStopsTheTask) {
  LocalExecutor ex;
  TaskRun run = Run(1, MakeTask("slow", "sleep 30\n"));
  run.time_limit_ms = 300;
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(ex.Submit(run).ok());
  auto res = WaitFor(&ex, 1);
  ASSERT_EQ(res.size(), 1u);
  EXPECT_LT(SecondsSince(t0), 3.0);
  EXPECT_EQ(res[0].outcome, Outcome::kTimedOut);
  EXPECT_EQ(res[0].exit_code, 128 + SIGTERM);
  EXPECT_NE(res[0].message.find("exceeded time limit of 300ms"), std::string::npos) << res[0].message;
  EXPECT_GE(res[0].end_ms - res[0].start_ms, 250);
}

// A wrapper's EXIT trap, run as TERM ends it, records the status of the
// command before the interrupted one (0 here); the kill is what counts.
TEST_P(LocalExecutorTest, TimeLimitReportsTheKillNotTheExitFile) {
  LocalExecutor ex;
  for (const char* script :
       {"trap 'printf %d \"$?\" > .exitcode' EXIT\ntrue\nsleep 30\n", "trap 'exit 0' TERM\nsleep 30 & wait\n"}) {
    TaskRun run = Run(1, MakeTask("trapped", script));
    run.time_limit_ms = 200;
    ASSERT_TRUE(ex.Submit(run).ok());
    auto res = WaitFor(&ex, 1);
    ASSERT_EQ(res.size(), 1u) << script;
    EXPECT_EQ(res[0].outcome, Outcome::kTimedOut) << script;
    EXPECT_EQ(res[0].exit_code, 128 + SIGTERM) << script;
  }
}

TEST_P(LocalExecutorTest, TimeLimitKillsTaskThatIgnoresTerm) {
  LocalExecutor ex;
  ex.set_timeout_kill_grace_ms(300);
  TaskRun run = Run(1, MakeTask("stubborn", "trap '' TERM\nsleep 30\n"));
  run.time_limit_ms = 200;
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(ex.Submit(run).ok());
  auto res = WaitFor(&ex, 1);
  ASSERT_EQ(res.size(), 1u);
  double took = SecondsSince(t0);
  EXPECT_GE(took, 0.45);
  EXPECT_LT(took, 4.0);
  EXPECT_EQ(res[0].outcome, Outcome::kTimedOut);
  EXPECT_EQ(res[0].exit_code, 128 + SIGKILL);
}

TEST_P(LocalExecutorTest, FiftyConcurrentTasksLeaveNoFdsOrZombies) {
  {
    // What a process makes once and keeps: the SIGCHLD pipe, and the memfd of
    // the usage builtin that zygotes load. Neither is a per-task leak.
    LocalExecutor warmup;
    ASSERT_TRUE(warmup.Submit(Run(99, MakeTask("warm", "echo 0 > .exitcode\n"))).ok());
    ASSERT_EQ(WaitFor(&warmup, 1).size(), 1u);
  }
  int fds_before = OpenFdCount();
  {
    LocalExecutor ex;
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 50; ++i) {
      std::string dir =
          MakeTask("c" + std::to_string(i), "sleep 0.5\necho " + std::to_string(i % 7) + " > .exitcode\n");
      ASSERT_TRUE(ex.Submit(Run(100 + i, dir)).ok());
    }
    EXPECT_EQ(ex.running(), 50u);
    auto res = WaitFor(&ex, 50);
    ASSERT_EQ(res.size(), 50u);
    // Concurrent, not one after another (50 x 0.5 s).
    EXPECT_LT(SecondsSince(t0), 10.0);
    std::set<uint64_t> ids;
    for (auto& r : res) {
      ids.insert(r.id);
      EXPECT_EQ(r.outcome, Outcome::kExited);
      EXPECT_EQ(r.exit_code, static_cast<int>(r.id - 100) % 7);
    }
    EXPECT_EQ(ids.size(), 50u);
    EXPECT_EQ(ex.running(), 0u);
  }
  EXPECT_EQ(OpenFdCount(), fds_before);
  errno = 0;
  EXPECT_EQ(waitpid(-1, nullptr, WNOHANG), -1);  // no child left, not even a zombie
  EXPECT_EQ(errno, ECHILD);
}

TEST_P(LocalExecutorTest, AbortAllTermsThenKillsAfterGrace) {
  LocalExecutor ex;
  std::string polite = MakeTask("polite", "sleep 30\n");
  std::string stubborn = MakeTask("stubborn", "trap '' TERM\nsleep 30 &\necho $! > child.pid\nwait\n");
  ASSERT_TRUE(ex.Submit(Run(1, polite)).ok());
  ASSERT_TRUE(ex.Submit(Run(2, stubborn)).ok());
  // Let both start (the stubborn one records its child's pid).
  WaitForLine(stubborn + "/child.pid");
  usleep(50000);
  std::vector<TaskResult> out;
  EXPECT_TRUE(ex.Poll(0, &out).ok());
  EXPECT_TRUE(out.empty());

  auto t0 = std::chrono::steady_clock::now();
  std::vector<TaskResult> aborted;
  ex.AbortAll(400, &aborted);
  double took = SecondsSince(t0);
  EXPECT_GE(took, 0.35);  // waited the grace for the stubborn one
  EXPECT_LT(took, 5.0);
  ASSERT_EQ(aborted.size(), 2u);
  EXPECT_EQ(ex.running(), 0u);
  for (auto& r : aborted) {
    EXPECT_EQ(r.outcome, Outcome::kAborted);
    EXPECT_EQ(r.exit_code, r.id == 1 ? 128 + SIGTERM : 128 + SIGKILL) << r.id;
  }
  // The stubborn task's own child (same process group) is gone too.
  pid_t child = std::stoi(Slurp(stubborn + "/child.pid"));
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    gone = !ProcessAlive(child);
    if (!gone) usleep(10000);
  }
  EXPECT_TRUE(gone) << "grandchild " << child << " survived AbortAll";
}

TEST_P(LocalExecutorTest, PollReturnsEarlyOnInterrupt) {
  InstallInterruptHandlers();
  ResetInterruptsForTest();
  LocalExecutor ex;
  ASSERT_TRUE(ex.Submit(Run(1, MakeTask("long", "sleep 30\n"))).ok());

  // A signal arriving while Poll waits.
  std::thread t([] {
    usleep(150000);
    kill(getpid(), SIGINT);
  });
  auto t0 = std::chrono::steady_clock::now();
  std::vector<TaskResult> out;
  EXPECT_TRUE(ex.Poll(30000, &out).ok());
  t.join();
  EXPECT_LT(SecondsSince(t0), 10.0);  // woken by the signal, not the 30 s timeout
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(InterruptCount(), 1);
  EXPECT_EQ(ex.running(), 1u);  // the task is not touched: the engine decides

  // A signal that arrived before Poll was called.
  raise(SIGINT);
  t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(ex.Poll(30000, &out).ok());
  EXPECT_LT(SecondsSince(t0), 10.0);

  // With no new interrupt, Poll waits again (it does not spin).
  t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(ex.Poll(300, &out).ok());
  EXPECT_GE(SecondsSince(t0), 0.25);

  std::vector<TaskResult> aborted;
  ex.AbortAll(1000, &aborted);
  ASSERT_EQ(aborted.size(), 1u);
  EXPECT_EQ(aborted[0].outcome, Outcome::kAborted);
  ResetInterruptsForTest();
}

TEST_P(LocalExecutorTest, EnvIsParentPlusTaskEnv) {
  setenv("FERRY_TEST_PARENT", "from-parent", 1);
  setenv("FERRY_TEST_OVERRIDE", "old", 1);
  LocalExecutor ex;
  TaskRun run = Run(1, MakeTask("env", "echo \"$FERRY_TEST_PARENT|$FERRY_TEST_OVERRIDE|$TASK_VAR\" > env.txt\n"));
  run.env = {{"TASK_VAR", "a b 'c'"}, {"FERRY_TEST_OVERRIDE", "new"}};
  ASSERT_TRUE(ex.Submit(run).ok());
  auto res = WaitFor(&ex, 1);
  ASSERT_EQ(res.size(), 1u);
  EXPECT_EQ(res[0].exit_code, 0);
  EXPECT_EQ(Slurp(run.work_dir + "/env.txt"), "from-parent|new|a b 'c'\n");
  unsetenv("FERRY_TEST_PARENT");
  unsetenv("FERRY_TEST_OVERRIDE");
}

TEST_P(LocalExecutorTest, WrapperOutputGoesToLaunchLogAndStdinIsEmpty) {
  LocalExecutor ex;
  std::string dir =
      MakeTask("log", "echo early-failure >&2\nif read -r line; then echo got-input; else echo no-input; fi\n");
  ASSERT_TRUE(ex.Submit(Run(1, dir)).ok());
  auto res = WaitFor(&ex, 1);
  ASSERT_EQ(res.size(), 1u);
  EXPECT_EQ(Slurp(dir + "/.command.log"), "early-failure\nno-input\n");
}

TEST_P(LocalExecutorTest, TaskRunsInItsOwnProcessGroup) {
  LocalExecutor ex;
  std::string dir = MakeTask("pg", "ps -o pgid= -p $BASHPID | tr -d ' ' > pgid.txt\n");
  ASSERT_TRUE(ex.Submit(Run(1, dir)).ok());
  auto res = WaitFor(&ex, 1);
  ASSERT_EQ(res.size(), 1u);
  std::string pgid = Slurp(dir + "/pgid.txt");
  if (!pgid.empty()) {  // ps may be missing in minimal images
    EXPECT_EQ(std::stoi(pgid), std::stoi(res[0].native_id));
    EXPECT_NE(std::stoi(pgid), getpgrp());
  }
}

TEST_P(LocalExecutorTest, SubmitProblemsAreReported) {
  LocalExecutor ex;
  TaskRun rel = Run(1, "relative/dir");
  Status st = ex.Submit(rel);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("absolute"), std::string::npos);

  // Missing wrapper: reported through Poll as kSubmitFailed, naming the file.
  fs::create_directories(dir() + "/empty");
  ASSERT_TRUE(ex.Submit(Run(2, dir() + "/empty")).ok());
  EXPECT_EQ(ex.running(), 1u);  // the caller must still poll for its result
  std::vector<TaskResult> out;
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(ex.Poll(30000, &out).ok());
  EXPECT_LT(SecondsSince(t0), 10.0);  // reported at once, not after the timeout
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].id, 2u);
  EXPECT_EQ(ex.running(), 0u);
  EXPECT_EQ(out[0].outcome, Outcome::kSubmitFailed);
  EXPECT_NE(out[0].message.find(dir() + "/empty/.command.run"), std::string::npos) << out[0].message;

  // The same id twice while running.
  std::string dir = MakeTask("dup", "sleep 30\n");
  ASSERT_TRUE(ex.Submit(Run(3, dir)).ok());
  EXPECT_FALSE(ex.Submit(Run(3, dir)).ok());
  // Nothing to wait for: Poll does not sleep when idle.
  std::vector<TaskResult> aborted;
  ex.AbortAll(0, &aborted);
  t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(ex.Poll(30000, &out).ok());
  EXPECT_LT(SecondsSince(t0), 10.0);
}

TEST_P(LocalExecutorTest, DestructorKillsAndReapsRunningTasks) {
  pid_t pid;
  {
    LocalExecutor ex;
    ASSERT_TRUE(ex.Submit(Run(1, MakeTask("orphan", "echo $BASHPID > pid.txt\nsleep 30\n"))).ok());
    pid = std::stoi(WaitForLine(dir() + "/orphan/pid.txt"));
  }
  EXPECT_NE(kill(pid, 0), 0);  // killed and reaped by us, not left a zombie
}

TEST_P(LocalExecutorTest, ManyShortTasksAllCompleteWithEightInFlight) {
  // The engine keeps about `cpus` tasks in flight; mimic that with 8 slots.
  LocalExecutor ex;
  const int kTasks = 300;
  std::vector<std::string> dirs;
  for (int i = 0; i < kTasks; ++i) dirs.push_back(MakeTask("m" + std::to_string(i), "exit 0\n"));
  auto t0 = std::chrono::steady_clock::now();
  int next = 0, done = 0;
  std::vector<TaskResult> out;
  while (done < kTasks) {
    while (next < kTasks && ex.running() < 8) {
      ASSERT_TRUE(ex.Submit(Run(next, dirs[next])).ok());
      ++next;
    }
    out.clear();
    ASSERT_TRUE(ex.Poll(1000, &out).ok());
    for (auto& r : out) EXPECT_EQ(r.exit_code, 0);
    done += static_cast<int>(out.size());
  }
  double secs = SecondsSince(t0);
  // Speed is bench/local_dag's business; this checks every task came back once.
  std::printf("%d tasks in %.2f s (%.0f tasks/s)\n", kTasks, secs, kTasks / secs);
  EXPECT_EQ(done, kTasks);
  EXPECT_EQ(ex.running(), 0u);
}

TEST_P(LocalExecutorTest, ScriptsThatUseTheirPidGetABashOfTheirOwn) {
  LocalExecutor ex;
  // $$ must be the task's own pid, as under `bash .command.run`; a zygote's
  // subshell would answer with the zygote's, so the zygote's fork execs a
  // bash of its own for such tasks.
  std::string own = MakeTask("own", "echo \"$$ $BASHPID\" > ids.txt\nsleep 1\n");
  std::string any = MakeTask("any", "echo $BASHPID > ids.txt\nsleep 1\n");
  ASSERT_TRUE(ex.Submit(Run(1, own)).ok());
  ASSERT_TRUE(ex.Submit(Run(2, any)).ok());
  std::istringstream ids(WaitForLine(own + "/ids.txt"));
  pid_t dollar = 0, bashpid = 0;
  ids >> dollar >> bashpid;
  EXPECT_EQ(dollar, bashpid);
  if (GetParam()) {
    EXPECT_NE(ParentOf(bashpid), getpid()) << "expected a zygote to start it";
  } else {
    EXPECT_EQ(ParentOf(bashpid), getpid());
  }
  pid_t any_pid = std::stoi(WaitForLine(any + "/ids.txt"));
  if (GetParam()) {
    EXPECT_NE(ParentOf(any_pid), getpid()) << "expected a zygote to start it";
  } else {
    EXPECT_EQ(ParentOf(any_pid), getpid());
  }
  auto res = WaitFor(&ex, 2);
  ASSERT_EQ(res.size(), 2u);
  for (auto& r : res) {
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(std::stoi(r.native_id), r.id == 1 ? bashpid : any_pid);
  }
}

TEST_P(LocalExecutorTest, ManyTasksInTurnReuseTheirZygotes) {
  // Two slots, 40 tasks: each slot's tasks after the first are forked by the
  // same long-lived bash, and the results stay right.
  LocalExecutor ex;
  std::set<pid_t> parents;
  int next = 0, done = 0;
  std::vector<std::string> dirs;
  for (int i = 0; i < 40; ++i)
    dirs.push_back(MakeTask("r" + std::to_string(i),
                            "read -r _ _ _ ppid _ < /proc/$BASHPID/stat\necho $ppid > ppid.txt\n"
                            "exit " +
                                std::to_string(i % 3) + "\n"));
  std::vector<TaskResult> out;
  while (done < 40) {
    while (next < 40 && ex.running() < 2) {
      ASSERT_TRUE(ex.Submit(Run(next + 1, dirs[next])).ok());
      ++next;
    }
    out.clear();
    ASSERT_TRUE(ex.Poll(1000, &out).ok());
    for (auto& r : out) {
      EXPECT_EQ(r.outcome, Outcome::kExited);
      EXPECT_EQ(r.exit_code, static_cast<int>(r.id - 1) % 3) << r.id;
      parents.insert(std::stoi(Slurp(dirs[r.id - 1] + "/ppid.txt")));
    }
    done += static_cast<int>(out.size());
  }
  if (GetParam()) {
    EXPECT_LE(parents.size(), 2u);
    EXPECT_EQ(parents.count(getpid()), 0u);
  } else {
    EXPECT_EQ(parents, std::set<pid_t>{getpid()});
  }
}

TEST_P(LocalExecutorTest, ALauncherThatDiesFailsItsTaskAndLeavesNothingBehind) {
  if (!GetParam()) GTEST_SKIP() << "only zygotes can die under a task";
  LocalExecutor ex;
  std::string dir = MakeTask("victim", "echo $BASHPID > pid.txt\nsleep 30\n");
  ASSERT_TRUE(ex.Submit(Run(1, dir)).ok());
  pid_t task = std::stoi(WaitForLine(dir + "/pid.txt"));
  pid_t zygote = ParentOf(task);
  ASSERT_NE(zygote, getpid());
  ASSERT_EQ(kill(zygote, SIGKILL), 0);
  // Let it become a zombie first: the executor then learns of the death
  // from SIGCHLD before it sees the launcher's pipe close, the order in
  // which a task was once left running.
  for (int i = 0; i < 500 && ProcessAlive(zygote); ++i) usleep(10000);
  auto res = WaitFor(&ex, 1, 5000);
  ASSERT_EQ(res.size(), 1u);
  EXPECT_EQ(res[0].outcome, Outcome::kSubmitFailed);
  EXPECT_NE(res[0].message.find("exited unexpectedly"), std::string::npos) << res[0].message;
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    gone = !ProcessAlive(task);
    if (!gone) usleep(10000);
  }
  EXPECT_TRUE(gone) << "task " << task << " outlived its launcher";
  // The next task gets a new launcher.
  ASSERT_TRUE(ex.Submit(Run(2, MakeTask("next", "exit 4\n"))).ok());
  res = WaitFor(&ex, 1);
  ASSERT_EQ(res.size(), 1u);
  EXPECT_EQ(res[0].exit_code, 4);
}

INSTANTIATE_TEST_SUITE_P(Launch, LocalExecutorTest, ::testing::Values(true, false),
                         [](const ::testing::TestParamInfo<bool>& p) {
                           return p.param ? std::string("Zygote") : std::string("OwnBash");
                         });

}  // namespace
}  // namespace ferry
