// `leancache lake get [MAPPINGS] [--service|--scope|--repo] [--rev] [--max-revs] [--platform]
// [--toolchain] [--package] [--mappings-only] [--force-download]` (spec lake-native-cache-2026.md
// §3.7): finds the mapping of the newest revision that has one — `git rev-list HEAD -n N`
// (default 100, 0 = all), local revisions/<scope>/<rev>.jsonl first, then the service; only a
// 404 walks on, any other status (403 included) is an error that ends the command — writes
// outputs/<scope>/<input>.json for every entry, then downloads every artifact named (unless
// --mappings-only) into Lake's artifacts/ through the daemon's transport, each verified by
// Lake's hash and recorded with SHA-256. One bad artifact fails only itself; the command then
// ends with "<scope>: failed to download some artifacts" and exit 1.
#pragma once

#include "daemon/core/event_sink.h"
#include "daemon/core/local_cache.h"
#include "daemon/core/network.h"
#include "leancache/v1/cache.pb.h"

namespace leancache::lake {

// Artifacts go into the Lake store indexed by `local.index`; mappings and artifacts come through
// `network` (its transport, single-flight fetches, and the config's network settings and cap).
void RunGet(const core::LocalCache& local, const core::Network& network, const v1::CommandRequest& request,
            core::EventSink& sink);

}  // namespace leancache::lake
