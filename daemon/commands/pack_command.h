#pragma once
// `pack` and `pack!` (spec §6.2, §9.2): hash the project, then pack every module whose build
// outputs exist into CACHEDIR/<hash16>.ltar with the comment `git=mathlib4@<HEAD>`; `pack!`
// repacks archives that already exist. No positional arguments are accepted: they are parsed as
// modules (a bad one exits 1), then the command is `Unknown command '<word>'` (exit 1).

#include "daemon/core/daemon_state.h"
#include "daemon/core/event_sink.h"
#include "leancache/v1/cache.pb.h"

namespace leancache::commands {

void RunPack(const core::DaemonState& state, const v1::CommandRequest& request,
             core::EventSink& sink);

}  // namespace leancache::commands
