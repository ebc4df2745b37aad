#pragma once
// The checks `get` makes before downloading in a project that uses Mathlib as a dependency
// (spec §5.1 step 1): the project's lean-toolchain must equal Mathlib's, and every package pinned
// by both manifests must be pinned identically. Otherwise the keys would match nothing on the
// server, so the original stops with exit 1 — and so do we, with the same messages.

#include <string>
#include <vector>

#include "common/workspace/workspace.h"

namespace leancache::get {

struct CheckOutcome {
  bool ok = true;
  std::vector<std::string> stdout_lines;
  std::vector<std::string> stderr_lines;
};

// Runs both checks for `ws` (skipped, ok, when the project is Mathlib itself: ./Mathlib exists).
CheckOutcome CheckDownstream(const workspace::Workspace& ws);

}  // namespace leancache::get
