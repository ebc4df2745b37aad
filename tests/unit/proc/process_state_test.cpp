#include "common/proc/process_state.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "gtest/gtest.h"

namespace leancache::proc {
namespace {

TEST(ProcessEnded, ThisProcessAndInitAreRunning) {
  EXPECT_FALSE(ProcessEnded(::getpid()));
  EXPECT_FALSE(ProcessEnded(1));
}

TEST(ProcessEnded, RunningChildThenZombieThenReaped) {
  int pipefd[2];
  ASSERT_EQ(::pipe(pipefd), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {  // waits until told to exit
    char c;
    ::close(pipefd[1]);
    (void)::read(pipefd[0], &c, 1);
    _exit(0);
  }
  ::close(pipefd[0]);
  EXPECT_FALSE(ProcessEnded(child)) << "a running child";
  ::close(pipefd[1]);  // the child reads EOF and exits; nobody reaps it yet
  siginfo_t info{};
  ASSERT_EQ(::waitid(P_PID, child, &info, WEXITED | WNOWAIT), 0);  // exited, still a zombie
  EXPECT_TRUE(ProcessEnded(child)) << "a zombie has ended";
  int status;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(ProcessEnded(child)) << "a reaped child";
}

}  // namespace
}  // namespace leancache::proc
