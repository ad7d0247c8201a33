#include "executor/task_ledger.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "executor/local_executor.h"
#include "util/temp_dir_testing.h"

namespace ferry {
namespace {

namespace fs = std::filesystem;
using testing::Slurp;

// A process that ended and was reaped: its identity names nothing now.
ProcessIdentity DeadProcess() {
  int fds[2];
  if (pipe(fds) != 0) return {};
  pid_t child = fork();
  if (child == 0) {
    char c;
    close(fds[1]);
    _exit(read(fds[0], &c, 1) < 0 ? 1 : 0);
  }
  close(fds[0]);
  ProcessIdentity id;
  ReadProcessIdentity(child, &id);
  close(fds[1]);
  int st;
  waitpid(child, &st, 0);
  return id;
}

// `sleep 60` leading a process group of its own.
pid_t SleeperGroup() {
  pid_t child = fork();
  if (child == 0) {
    setpgid(0, 0);
    execl("/bin/sleep", "sleep", "60", static_cast<char*>(nullptr));
    _exit(127);
  }
  setpgid(child, child);
  return child;
}

bool Reaped(pid_t pid, int within_ms) {
  for (int i = 0; i < within_ms / 10; ++i) {
    int st;
    if (waitpid(pid, &st, WNOHANG) == pid) return true;
    usleep(10000);
  }
  return false;
}

class TaskLedgerTest : public testing::TempDirTest {};

TEST_F(TaskLedgerTest, ParseKeepsWhatStartedAndDidNotEnd) {
  LedgerContents c;
  ASSERT_TRUE(ParseLedger("ferry 100 555\n+ 200 7\n+ 300 8\n- 200\n+ 400 9\ngarbage line\n+ 50", &c));
  EXPECT_EQ(c.owner.pid, 100);
  EXPECT_EQ(c.owner.start_time, 555u);
  ASSERT_EQ(c.running.size(), 2u);
  EXPECT_EQ(c.running[0].pid, 300);
  EXPECT_EQ(c.running[0].start_time, 8u);
  EXPECT_EQ(c.running[1].pid, 400);  // the torn last line is skipped
  EXPECT_FALSE(ParseLedger("+ 200 7\n", &c));
}

TEST_F(TaskLedgerTest, KillsTheGroupsADeadFerryLeftAndOnlyThose) {
  const std::string ledgers = dir() + "/tasks";
  fs::create_directories(ledgers);
  ProcessIdentity dead_ferry = DeadProcess();
  ASSERT_GT(dead_ferry.start_time, 0u);
  pid_t orphan = SleeperGroup(), recycled = SleeperGroup(), theirs = SleeperGroup();
  ProcessIdentity orphan_id, recycled_id, theirs_id;
  ASSERT_TRUE(ReadProcessIdentity(orphan, &orphan_id));
  ASSERT_TRUE(ReadProcessIdentity(recycled, &recycled_id));
  ASSERT_TRUE(ReadProcessIdentity(theirs, &theirs_id));
  auto line = [](const char* tag, const ProcessIdentity& id) {
    return std::string(tag) + " " + std::to_string(id.pid) + " " + std::to_string(id.start_time) + "\n";
  };
  // The dead ferry's: the orphan matches; the other entry's start time
  // differs (its pid was given to a new process since): never signalled.
  ProcessIdentity other_start = recycled_id;
  other_start.start_time += 1;
  std::ofstream(ledgers + "/ferry-1.tasks")
      << line("ferry", dead_ferry) << line("+", orphan_id) << line("+", other_start);
  // A ferry still running (this process): its task is its own.
  std::ofstream(ledgers + "/ferry-2.tasks") << line("ferry", SelfIdentity()) << line("+", theirs_id);

  SurvivorReport report;
  ASSERT_TRUE(KillSurvivors(ledgers, &report).ok());
  EXPECT_EQ(report.groups_killed, 1);
  ASSERT_EQ(report.dead_ferry.size(), 1u);
  EXPECT_EQ(report.dead_ferry[0], dead_ferry.pid);
  EXPECT_TRUE(Reaped(orphan, 2000)) << "the orphan task was not killed";
  EXPECT_FALSE(Reaped(recycled, 200)) << "a process whose start time differs was killed";
  EXPECT_FALSE(Reaped(theirs, 0));
  EXPECT_FALSE(fs::exists(ledgers + "/ferry-1.tasks"));
  EXPECT_TRUE(fs::exists(ledgers + "/ferry-2.tasks"));
  for (pid_t p : {recycled, theirs}) {
    kill(p, SIGKILL);
    EXPECT_TRUE(Reaped(p, 2000));
  }
  EXPECT_TRUE(KillSurvivors(dir() + "/none", &report).ok());  // nothing recorded yet
}

TEST_F(TaskLedgerTest, TheLocalExecutorRecordsLongTasksUntilTheyEnd) {
  for (bool zygotes : {true, false}) {
    SCOPED_TRACE(zygotes ? "zygotes" : "direct");
    const std::string ledgers = dir() + "/tasks" + (zygotes ? "1" : "0");
    std::unique_ptr<TaskLedger> ledger;
    ASSERT_TRUE(TaskLedger::Open(ledgers, &ledger).ok());
    const std::string path = ledger->path();
    std::string task_dir = dir() + "/t" + (zygotes ? "1" : "0");
    fs::create_directories(task_dir);
    std::ofstream(task_dir + "/.command.run") << "echo $BASHPID > pid\nsleep 1.5\n";
    {
      LocalExecutor ex;
      ex.set_use_zygotes(zygotes);
      ex.set_ledger(std::move(ledger));
      TaskRun run;
      run.id = 1;
      run.name = "t";
      run.work_dir = task_dir;
      ASSERT_TRUE(ex.Submit(run).ok());
      std::vector<TaskResult> out;
      // Past kRecordAfterMs, still running: in the ledger, matching.
      LedgerContents c;
      for (int i = 0; i < 100 && out.empty(); ++i) {
        ASSERT_TRUE(ex.Poll(10, &out).ok());
        ASSERT_TRUE(ParseLedger(Slurp(path), &c));
        if (!c.running.empty()) break;
      }
      ASSERT_TRUE(out.empty()) << out[0].message << " exit " << out[0].exit_code;
      EXPECT_EQ(c.owner.pid, getpid());
      ASSERT_EQ(c.running.size(), 1u);
      EXPECT_TRUE(StillRunning(c.running[0]));
      EXPECT_EQ(std::to_string(c.running[0].pid) + "\n", Slurp(task_dir + "/pid"));
      for (int i = 0; i < 100 && out.empty(); ++i) ASSERT_TRUE(ex.Poll(100, &out).ok());
      ASSERT_EQ(out.size(), 1u);
      ASSERT_TRUE(ParseLedger(Slurp(path), &c));
      EXPECT_TRUE(c.running.empty());  // ended
    }
    EXPECT_FALSE(fs::exists(path));  // the executor is gone: nothing of its runs
  }
}

}  // namespace
}  // namespace ferry
