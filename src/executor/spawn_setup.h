// SpawnSetup: the posix_spawn attributes every process the local executor
// starts needs (a task's bash or a ShellZygote): its own process group, so
// Ctrl-C at the terminal reaches only ferry and a whole tree can be signalled
// at once, and a clean signal state (ferry may block or ignore some).
// RAII for the attribute objects. kDefaultSignals is also what a process
// forked by hand (ShellZygote, which needs PR_SET_PDEATHSIG) resets.
#pragma once

#include <signal.h>
#include <spawn.h>

namespace ferry {

// The signals a child gets back at their default action.
constexpr int kDefaultSignals[] = {SIGINT,  SIGTERM, SIGHUP,  SIGQUIT, SIGPIPE, SIGCHLD,
                                   SIGALRM, SIGUSR1, SIGUSR2, SIGTSTP, SIGTTIN, SIGTTOU};

struct SpawnSetup {
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  SpawnSetup() {
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    sigset_t empty, defaults;
    sigemptyset(&empty);
    sigemptyset(&defaults);
    for (int sig : kDefaultSignals) sigaddset(&defaults, sig);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setsigmask(&attr, &empty);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(
        &attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_USEVFORK);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

}  // namespace ferry
