#pragma once
// `stage[!] --staging-dir=D [ARGS]`: pack (verbose, force with `!`), then copy the newly packed
// archives into D. `unstage[!] --staging-dir=D`: copy D's `*.ltar` into CACHEDIR, skipping
// names that exist unless `!` (spec §7.1). A missing --staging-dir prints
// `<word> requires --staging-dir=` and exits 0; one that is not a directory prints
// `--staging-dir must be a directory` and exits 1. `unstage` takes no positional arguments.

#include "daemon/core/daemon_state.h"
#include "daemon/core/event_sink.h"
#include "leancache/v1/cache.pb.h"

namespace leancache::commands {

void RunStage(const core::DaemonState& state, const v1::CommandRequest& request,
              core::EventSink& sink);
void RunUnstage(const core::DaemonState& state, const v1::CommandRequest& request,
                core::EventSink& sink);

}  // namespace leancache::commands
