#include "executor/shell_zygote.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

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

}  // namespace
}  // namespace ferry
