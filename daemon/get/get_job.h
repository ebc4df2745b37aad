#pragma once
// The `get` family and `unpack` (spec §5.1, §6.3, §6.4): plan which archives are missing and
// which modules are stale, fetch the missing ones through the source chain (one transfer per key
// however many requests want it), admit each arrival to the blob store only after it parsed,
// unpack every archive as soon as it is available, stream progress, and finish with the
// original's messages and exit code. RunGetJob orchestrates the steps, each in its own file:
// get_plan (what is missing or stale), unpack_queue, download_rounds, get_report.

#include <filesystem>

#include "daemon/project/project_keys.h"
#include "daemon/core/daemon_state.h"
#include "daemon/core/event_sink.h"

namespace leancache::get {

struct GetFlags {
  bool download = true;        // false: `unpack`
  bool force_download = false; // get!: ignore archives already in CACHEDIR
  bool unpack = true;          // false: get-
  bool force_unpack = false;   // get!, unpack!: skip the "already unpacked" test
};

// Runs the job for an already hashed project; always ends the stream with Done.
void RunGetJob(const core::DaemonState& state, const project::ProjectKeys& project,
               const GetFlags& flags, core::EventSink& sink);

}  // namespace leancache::get
