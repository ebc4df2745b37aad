#pragma once
// The end of a `get` / `unpack`: the failure lines and the original's closing messages, the exit
// code, the JSON summary that ends the stream, and — after the client has its answer — the run's
// statistics, the editor watchers' "done" event, and which archives the project uses.

#include "daemon/get/download_rounds.h"
#include "daemon/get/get_context.h"
#include "daemon/get/get_plan.h"

namespace leancache::get {

// Ends the job's stream (Done) and records the run. `root_changed`: the project's root hash
// differs from the one recorded by its last successful unpack.
void FinishGet(JobContext& ctx, GetPlan& plan, const DownloadOutcome& outcome, bool root_changed);

}  // namespace leancache::get
