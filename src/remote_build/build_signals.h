// BuildSignals: job control while `ferry build` watches a Batch job.
// Control-Z (SIGTSTP) and SIGHUP detach (the job keeps running); Control-C
// (SIGINT) asks to cancel: on a terminal the first press only warns and a
// second within 10 s cancels, without a terminal one is enough; once the job
// is being canceled another press stops waiting (exit 130). The handlers only
// count signals and write to a self-pipe; CancelPolicy, which is pure, turns
// the presses into decisions.
#pragma once

#include <cstdint>

namespace ferry::remote_build {

// Installs handlers for SIGINT, SIGTSTP and SIGHUP (idempotent); SIGTERM
// keeps its default.
void InstallBuildSignalHandlers();
// Puts the default actions back.
void RestoreBuildSignalHandlers();
// Read end of the self-pipe; readable after a signal until drained.
int BuildSignalFd();

struct PendingSignals {
  int interrupts = 0;  // SIGINT
  int detaches = 0;    // SIGTSTP, SIGHUP
};
// Signals since the last call; drains the pipe.
PendingSignals TakeBuildSignals();

class CancelPolicy {
 public:
  enum class Action {
    kWarn,    // print "press again within 10 s to cancel"
    kCancel,  // terminate the job, keep watching until it stops
    kExit,    // stop waiting: exit 130
  };
  explicit CancelPolicy(bool on_terminal, int64_t window_ms = 10000)
      : on_terminal_(on_terminal), window_ms_(window_ms) {}
  Action OnInterrupt(int64_t now_ms);
  bool canceling() const { return canceling_; }

 private:
  bool on_terminal_;
  int64_t window_ms_;
  int64_t warned_at_ = -1;
  bool canceling_ = false;
};

}  // namespace ferry::remote_build
