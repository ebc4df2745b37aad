#pragma once
// `clean` and `clean!` (spec §9.4). `clean!` deletes every `*.ltar` in CACHEDIR, as the
// original. `clean` deletes the archives that no project still uses — unlike the original, which
// deletes every archive that is not in the current project's key graph, including those of
// other checkouts sharing the per-user CACHEDIR. "Still uses" means: in the current key graph
// of this project, or of any other project the index saw using this CACHEDIR (recomputed now,
// through the memo). A project whose keys cannot be computed keeps every archive it used.
// Prints nothing on success, like the original; --json gives counts.

#include "daemon/core/daemon_state.h"
#include "daemon/core/event_sink.h"
#include "leancache/v1/cache.pb.h"

namespace leancache::commands {

void RunClean(const core::DaemonState& state, const v1::CommandRequest& request,
              core::EventSink& sink);

}  // namespace leancache::commands
