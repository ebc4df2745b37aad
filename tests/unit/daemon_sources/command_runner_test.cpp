#include "daemon/sources/command_runner.h"

#include <chrono>

#include "gtest/gtest.h"
#include "temp_dir.h"

namespace leancache::sources {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;

TEST(CommandRunner, CapturesBothStreamsAndTheExitCode) {
  auto r = RunCommand({"sh", "-c", "echo out; echo err >&2; exit 3"}, "/", 10s);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_EQ(r->out, "out\n");
  EXPECT_EQ(r->err, "err\n");
}

TEST(CommandRunner, RunsInTheGivenDirectoryWithoutAShell) {
  TempDir dir;
  auto r = RunCommand({"pwd", "-P"}, dir.path(), 10s);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->out, std::filesystem::canonical(dir.path()).string() + "\n");
  // Arguments are passed verbatim: no globbing or variable expansion.
  auto e = RunCommand({"echo", "$HOME", "*"}, dir.path(), 10s);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->out, "$HOME *\n");
}

TEST(CommandRunner, StdinIsEmptyAndPromptsAreDisabled) {
  auto r = RunCommand({"cat"}, "/", 10s);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_EQ(r->out, "");
  auto e = RunCommand({"sh", "-c", "echo \"$GIT_TERMINAL_PROMPT\""}, "/", 10s);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->out, "0\n");
}

TEST(CommandRunner, MissingProgramOrDirectoryIsNotFound) {
  auto r = RunCommand({"leancache-no-such-program-xyz"}, "/", 10s);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("leancache-no-such-program-xyz"), absl::string_view::npos);
  auto d = RunCommand({"true"}, "/nonexistent/leancache/dir", 10s);
  EXPECT_EQ(d.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(d.status().message().find("/nonexistent/leancache/dir"), absl::string_view::npos);
  EXPECT_EQ(RunCommand({}, "/", 10s).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(CommandRunner, TimeoutKillsTheChild) {
  auto start = std::chrono::steady_clock::now();
  auto r = RunCommand({"sleep", "30"}, "/", 200ms);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_LT(took, 5s);
}

TEST(CommandRunner, TimeoutAlsoAppliesWhenTheChildClosesItsOutput) {
  auto start = std::chrono::steady_clock::now();
  auto r = RunCommand({"sh", "-c", "exec >/dev/null 2>&1; sleep 30"}, "/", 300ms);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(CommandRunner, LargeOutputIsCappedWithoutDeadlock) {
  auto r = RunCommand({"sh", "-c", "head -c 3000000 /dev/zero; head -c 2000000 /dev/zero >&2"},
                      "/", 30s);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_EQ(r->out.size(), 1u << 20);
  EXPECT_EQ(r->err.size(), 1u << 20);
}

TEST(CommandRunner, SignalledChildReports128PlusSignal) {
  auto r = RunCommand({"sh", "-c", "kill -9 $$"}, "/", 10s);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 128 + 9);
}

}  // namespace
}  // namespace leancache::sources
