#include "executor/shell_zygote.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "util/temp_dir_testing.h"

namespace ferry {
namespace {

namespace fs = std::filesystem;
using testing::Slurp;

class ShellZygoteTest : public testing::TempDirTest {
 protected:
  std::string MakeTask(const std::string& name, const std::string& run) {
    std::string task_dir = dir() + "/" + name;
    fs::create_directories(task_dir);
    std::ofstream(task_dir + "/.command.run") << run;
    return task_dir;
  }
  // Waits up to 10 s for the zygote's next exit report.
  static bool NextExit(ShellZygote* z, ShellZygote::Exit* out) {
    std::vector<ShellZygote::Exit> exits;
    for (int i = 0; i < 100 && exits.empty(); ++i) {
      pollfd p = {z->exit_fd(), POLLIN, 0};
      poll(&p, 1, 100);
      if (!z->ReadExits(&exits)) break;
    }
    if (exits.empty()) return false;
    *out = exits[0];
    return true;
  }
  static std::vector<std::string> Env() {
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) env.emplace_back(*e);
    return env;
  }
};

TEST_F(ShellZygoteTest, RunsTasksOneAfterAnotherInTheirOwnGroups) {
  std::unique_ptr<ShellZygote> z;
  ASSERT_TRUE(ShellZygote::Spawn(Env(), &z).ok());
  for (int i = 0; i < 3; ++i) {
    std::string dir = MakeTask("t" + std::to_string(i),
                               "echo to-log\n"
                               "read -r _ _ _ ppid pgrp _ < /proc/$BASHPID/stat\n"
                               "echo \"$BASHPID $ppid $pgrp $0 ${__ferry_zygote_dir-unset}\" > ids\n"
                               "exit " +
                                   std::to_string(i + 2) + "\n");
    ASSERT_TRUE(z->Launch(dir).ok());
    ShellZygote::Exit e;
    ASSERT_TRUE(NextExit(z.get(), &e));
    EXPECT_EQ(e.status, i + 2);
    std::istringstream ids(Slurp(dir + "/ids"));
    pid_t pid = 0, ppid = 0, pgrp = 0;
    std::string arg0, leaked;
    ids >> pid >> ppid >> pgrp >> arg0 >> leaked;
    EXPECT_EQ(e.pid, pid);
    EXPECT_EQ(ppid, z->pid());  // forked by the zygote
    EXPECT_EQ(pgrp, pid);       // leads a process group of its own
    EXPECT_EQ(arg0, ".command.run");
    EXPECT_EQ(leaked, "unset");  // the zygote's variables stay its own
    EXPECT_EQ(Slurp(dir + "/.command.log"), "to-log\n");
    EXPECT_EQ(z->TaskPid(), 0);  // idle again
  }
}

TEST_F(ShellZygoteTest, ADeadZygoteIsAnErrorNotASignal) {
  std::unique_ptr<ShellZygote> z;
  ASSERT_TRUE(ShellZygote::Spawn(Env(), &z).ok());
  ASSERT_EQ(kill(z->pid(), SIGKILL), 0);
  int st;
  ASSERT_EQ(waitpid(z->pid(), &st, 0), z->pid());
  z->MarkReaped();
  // Writing to its closed stdin must not kill us with SIGPIPE.
  EXPECT_FALSE(z->Launch(MakeTask("late", "exit 0\n")).ok());
  std::vector<ShellZygote::Exit> exits;
  EXPECT_FALSE(z->ReadExits(&exits));
  EXPECT_TRUE(exits.empty());
}

TEST_F(ShellZygoteTest, StopKillsTheRunningTaskAndReapsTheZygote) {
  std::unique_ptr<ShellZygote> z;
  ASSERT_TRUE(ShellZygote::Spawn(Env(), &z).ok());
  std::string dir = MakeTask("long", "echo $BASHPID > pid\nsleep 30\n");
  ASSERT_TRUE(z->Launch(dir).ok());
  std::string pid;  // a whole line: the file exists before echo writes it
  for (int i = 0; i < 1000 && (pid = Slurp(dir + "/pid")).find('\n') == std::string::npos; ++i) usleep(10000);
  pid_t task = std::stoi(pid);
  pid_t zygote = z->pid();
  // The zygote reports the pid after forking; the task may write first.
  for (int i = 0; i < 1000 && z->TaskPid() == 0; ++i) usleep(10000);
  EXPECT_EQ(z->TaskPid(), task);
  auto t0 = std::chrono::steady_clock::now();
  z->Stop();
  // The task sleeps 30 s: Stop must kill it, not wait for it.
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 10.0);
  EXPECT_NE(kill(task, 0), 0);
  EXPECT_NE(kill(zygote, 0), 0);  // reaped, not a zombie
}

TEST_F(ShellZygoteTest, OwnShellGivesTheTaskItsOwnPidAsDollarDollar) {
  std::unique_ptr<ShellZygote> z;
  ASSERT_TRUE(ShellZygote::Spawn(Env(), &z).ok());
  std::string dir = MakeTask("own", "echo \"$$ $BASHPID $0\" > ids\nexit 3\n");
  ASSERT_TRUE(z->Launch(dir, /*own_shell=*/true).ok());
  ShellZygote::Exit e;
  ASSERT_TRUE(NextExit(z.get(), &e));
  EXPECT_EQ(e.status, 3);
  std::istringstream ids(Slurp(dir + "/ids"));
  pid_t dollar = 0, bashpid = 0;
  std::string arg0;
  ids >> dollar >> bashpid >> arg0;
  EXPECT_EQ(dollar, bashpid);
  EXPECT_EQ(dollar, e.pid);
  EXPECT_EQ(arg0, ".command.run");
}

// What happens when ferry is SIGKILLed: a stand-in "ferry" (a child of this
// test) starts a zygote, which runs a task that has a grandchild in its
// group; the stand-in is SIGKILLed; both task processes must be gone within
// 2 s, though nobody stopped the zygote.
TEST_F(ShellZygoteTest, WhenFerryIsKilledTheZygoteKillsItsTasksGroup) {
  std::string dir = MakeTask("orphan", "sleep 300 &\necho \"$BASHPID $!\" > pids\nwait\n");
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t ferry = fork();
  ASSERT_GE(ferry, 0);
  if (ferry == 0) {
    close(ready[0]);
    std::unique_ptr<ShellZygote> z;
    if (!ShellZygote::Spawn(Env(), &z).ok() || !z->Launch(dir).ok()) _exit(2);
    std::string zpid = std::to_string(z->pid()) + "\n";
    if (write(ready[1], zpid.data(), zpid.size()) < 0) _exit(3);
    for (;;) pause();
  }
  close(ready[1]);
  char buf[32] = {};
  ASSERT_GT(read(ready[0], buf, sizeof buf - 1), 0);
  close(ready[0]);
  pid_t zygote = std::atoi(buf);
  std::string pids;
  for (int i = 0; i < 1000 && (pids = Slurp(dir + "/pids")).find('\n') == std::string::npos; ++i) usleep(10000);
  std::istringstream in(pids);
  pid_t task = 0, grandchild = 0;
  in >> task >> grandchild;
  ASSERT_GT(task, 1);
  ASSERT_GT(grandchild, 1);
  auto alive = [](pid_t pid) {  // a zombie (nobody reaps orphans here, maybe) is dead
    std::string stat = Slurp("/proc/" + std::to_string(pid) + "/stat");
    size_t p = stat.rfind(')');
    return p != std::string::npos && p + 2 < stat.size() && stat[p + 2] != 'Z' && stat[p + 2] != 'X';
  };
  ASSERT_TRUE(alive(task) && alive(grandchild) && alive(zygote));

  ASSERT_EQ(kill(ferry, SIGKILL), 0);
  int st;
  ASSERT_EQ(waitpid(ferry, &st, 0), ferry);
  auto t0 = std::chrono::steady_clock::now();
  while ((alive(task) || alive(grandchild) || alive(zygote)) &&
         std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2))
    usleep(10000);
  EXPECT_FALSE(alive(task)) << "task " << task << " outlived ferry";
  EXPECT_FALSE(alive(grandchild)) << "the task's child " << grandchild << " outlived ferry";
  EXPECT_FALSE(alive(zygote)) << "zygote " << zygote << " outlived ferry";
}

}  // namespace
}  // namespace ferry
