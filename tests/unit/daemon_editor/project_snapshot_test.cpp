#include "daemon/editor/project_snapshot.h"

#include <gtest/gtest.h>

#include "daemon/editor/file_state.h"

namespace leancache::editor {
namespace {

v1::FileState S(const std::string& module, uint64_t key, v1::Problem problem, bool local = false) {
  v1::FileState s;
  s.set_module(module);
  s.set_path("/p/" + module + ".lean");
  s.set_key(key);
  s.set_problem(problem);
  s.set_archive_local(local);
  return s;
}

TEST(ChangedStatesTest, ReportsChangedNewAndRemovedModules) {
  ProjectSnapshot before, now;
  before.modules["A"] = S("A", 1, v1::PROBLEM_NONE, true);
  before.modules["B"] = S("B", 2, v1::PROBLEM_NOT_CACHED);
  before.modules["C"] = S("C", 3, v1::PROBLEM_NOT_CACHED);
  now.modules["A"] = S("A", 1, v1::PROBLEM_NONE, true);      // same
  now.modules["B"] = S("B", 22, v1::PROBLEM_NOT_CACHED);     // key changed
  now.modules["D"] = S("D", 4, v1::PROBLEM_STALE, true);     // new
  auto changed = ChangedStates(before, now);
  ASSERT_EQ(changed.size(), 3u);
  EXPECT_EQ(changed[0].module(), "B");
  EXPECT_EQ(changed[0].key(), 22u);
  EXPECT_EQ(changed[1].module(), "C");
  EXPECT_EQ(changed[1].problem(), v1::PROBLEM_NOT_IN_PROJECT);
  EXPECT_EQ(changed[1].path(), "/p/C.lean");
  EXPECT_EQ(changed[2].module(), "D");
}

TEST(ChangedStatesTest, StateFlagsCount) {
  ProjectSnapshot before, now;
  before.modules["A"] = S("A", 1, v1::PROBLEM_STALE, true);
  now.modules["A"] = S("A", 1, v1::PROBLEM_STALE, true);
  EXPECT_TRUE(ChangedStates(before, now).empty());
  now.modules["A"].set_unpacked(true);
  EXPECT_EQ(ChangedStates(before, now).size(), 1u);
}

TEST(FillKeyErrorTest, ClassifiesHashingErrors) {
  v1::FileState own, other, prefix;
  FillKeyError("Mathlib.A", absl::InvalidArgumentError("Mathlib.A:1:7: expected identifier"), &own);
  EXPECT_EQ(own.problem(), v1::PROBLEM_PARSE_ERROR);
  EXPECT_EQ(own.reason(), "its header does not parse: Mathlib.A:1:7: expected identifier");
  FillKeyError("Mathlib.A", absl::InvalidArgumentError("Mathlib.B:2:0: unterminated comment"), &other);
  EXPECT_EQ(other.problem(), v1::PROBLEM_PARSE_ERROR);
  EXPECT_NE(other.reason().find("Mathlib.B:2:0"), std::string::npos);
  FillKeyError("Mathlib.A", absl::NotFoundError("unknown module prefix 'Foo'"), &prefix);
  EXPECT_EQ(prefix.problem(), v1::PROBLEM_MISSING_IMPORT);
  EXPECT_EQ(prefix.key(), 0u);
}

TEST(ApplyRemoteStateTest, RemoteDecidesNotCached) {
  v1::FileState present = S("A", 1, v1::PROBLEM_NOT_CACHED), missing = present, local = S("B", 2, v1::PROBLEM_NONE, true);
  ApplyRemoteState(v1::REMOTE_PRESENT, &present);
  EXPECT_EQ(present.problem(), v1::PROBLEM_NONE);
  EXPECT_EQ(present.remote(), v1::REMOTE_PRESENT);
  ApplyRemoteState(v1::REMOTE_MISSING, &missing);
  EXPECT_EQ(missing.problem(), v1::PROBLEM_NOT_CACHED);
  ApplyRemoteState(v1::REMOTE_MISSING, &local);
  EXPECT_EQ(local.problem(), v1::PROBLEM_NONE);
  EXPECT_EQ(local.remote(), v1::REMOTE_MISSING);
}

}  // namespace
}  // namespace leancache::editor
