// Whether a process (by pid) has ended, for callers that hold no handle to it: the creators of
// temporary files and the daemon a client asked to stop.
#pragma once

#include <sys/types.h>

namespace leancache::proc {

// True if no process `pid` exists, or it has exited and waits to be reaped (a zombie: its files
// are closed and it runs no more code; a slow init can leave it in that state for seconds).
// False for running processes, including other users' (kill(2) answers EPERM) and this one.
bool ProcessEnded(pid_t pid);

}  // namespace leancache::proc
