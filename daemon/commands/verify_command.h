#pragma once
// `leancache verify [ARGS] [--repair] [--cache-only] [--json]`: checks the request's CACHEDIR
// (every recorded archive's size and SHA-256, unrecorded and temp files; verify/blob_check.h)
// and the project's unpacked build outputs against their archives (verify/artifact_check.h;
// ARGS limit the modules as for `get`). Exit 0 only when nothing is wrong (with --repair: when
// everything found was repaired), else 1. A directory that is not a Lean project only gets the
// CACHEDIR check (said so in the output); --cache-only skips the project part.

#include "daemon/core/daemon_state.h"
#include "daemon/core/event_sink.h"
#include "leancache/v1/cache.pb.h"

namespace leancache::commands {

void RunVerify(const core::DaemonState& state, const v1::CommandRequest& request,
               core::EventSink& sink);

}  // namespace leancache::commands
