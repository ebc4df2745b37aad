#pragma once
// The planning step of a `get` / `unpack`: which archives are missing from CACHEDIR, which
// cached archives must be unpacked (their outputs are stale), which modules are current. A plain
// get or unpack of a scope that was entirely current with nothing changed since is answered by
// the plan memo (daemon/get/plan_memo.h) without any check.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "daemon/get/get_context.h"
#include "daemon/get/plan_memo.h"

namespace leancache::get {

struct GetPlan {
  std::vector<const Item*> missing;        // not in CACHEDIR (only when downloading)
  std::vector<const Item*> to_unpack_now;  // in CACHEDIR, outputs stale
  size_t already = 0;                      // in CACHEDIR and unpacked (when unpacking)
  // [plan memo] the memo's key for this job ("" when the memo is off for it), the watch ticket
  // to record a fully current result with, and whether the memo answered.
  std::string memo_key;
  std::optional<PlanMemo::Ticket> ticket;
  bool memo_hit = false;
};

// Plans the job; `force_unpack` treats every cached archive as stale.
GetPlan PlanGet(const JobContext& ctx, bool force_unpack);

// The original's lines about what will be decompressed ("Decompressing N already-cached
// file(s)", "Already decompressed N file(s)", "No cache files to decompress").
void AnnouncePlan(const JobContext& ctx, const GetPlan& plan);

// Remembers the plan as current when the job succeeded without changing anything; otherwise
// forgets what the memo knew about it.
void FinishPlanMemo(const JobContext& ctx, GetPlan& plan, bool succeeded);

}  // namespace leancache::get
