#pragma once
// The progress event of a running `get`: sent to the requesting client and published to the
// editor watchers of the project (daemon/core/progress_hub.h).

#include <cstddef>

#include "daemon/get/get_context.h"

namespace leancache::get {

// Sends one progress event for `phase` ("download", "unpack") with `files_total` archives to
// fetch and the job's counters so far.
void SendProgress(const JobContext& ctx, const char* phase, size_t files_total);

}  // namespace leancache::get
