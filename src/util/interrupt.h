// Process-wide handling of Ctrl-C (SIGINT), SIGTERM and SIGHUP for ferry's
// single-threaded event loop. The signal handler only bumps a counter and
// writes a byte to a self-pipe (both async-signal-safe); the loop polls the
// pipe's read end together with its other fds and decides what to do (first
// interrupt: stop tasks gracefully; later ones: hurry up).
#pragma once

namespace ferry {

// Installs the handlers (idempotent). SIGHUP is treated like SIGTERM: a closed
// terminal should stop the run the same way. If the pipe cannot be created
// (out of fds) the signals keep their default, fatal, action and
// InterruptFd() stays -1.
void InstallInterruptHandlers();

// How many SIGINT/SIGTERM/SIGHUP arrived since installation (or the last
// ResetInterruptsForTest()).
int InterruptCount();

// Read end of the self-pipe; readable after each signal until drained.
// -1 before InstallInterruptHandlers() (poll() ignores negative fds).
int InterruptFd();

// Empties the pipe so the fd is no longer readable. The count is unchanged.
void DrainInterruptFd();

// Sets the count back to zero and drains the pipe.
void ResetInterruptsForTest();

}  // namespace ferry
