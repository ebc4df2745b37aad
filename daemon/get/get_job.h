#pragma once
// The `get` family and `unpack` (spec §5.1, §6.3, §6.4): plan which archives are missing and
// which modules are stale, fetch the missing ones through the source chain (one transfer per key
// however many requests want it), admit each arrival to the blob store only after it parsed,
// unpack every archive as soon as it is available, stream progress, and finish with the
// original's messages and exit code. RunGetJob orchestrates the steps, each in its own file:
// get_plan (what is missing or stale), unpack_queue, download_rounds, get_report.

#include <filesystem>

#include "daemon/core/event_sink.h"
#include "daemon/core/job_observers.h"
#include "daemon/core/local_cache.h"
#include "daemon/core/network.h"
#include "daemon/project/project_keys.h"

namespace leancache::get {

struct GetFlags {
  bool download = true;        // false: `unpack`
  bool force_download = false; // get!: ignore archives already in CACHEDIR
  bool unpack = true;          // false: get-
  bool force_unpack = false;   // get!, unpack!: skip the "already unpacked" test
};

// Runs the job for an already hashed project; always ends the stream with Done. It uses the
// local cache (`local`), downloads through `network` (unless flags.download is false) and
// reports its progress and its statistics record to `observers`.
void RunGetJob(const core::LocalCache& local, const core::Network& network,
               const core::JobObservers& observers, const project::ProjectKeys& project,
               const GetFlags& flags, core::EventSink& sink);

}  // namespace leancache::get
