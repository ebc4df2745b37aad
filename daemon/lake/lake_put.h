// `leancache lake put MAPPINGS` and `leancache lake put-staged DIR --rev R` (spec
// lake-native-cache-2026.md §3.8): upload every artifact the mapping names (each distinct hash
// once, as "<hash16>.art"), then the mapping file byte-for-byte as the revision's mapping — after
// the artifacts, so a reader that sees the mapping finds its artifacts. `put` takes the artifacts
// from Lake's cache and the revision from the package's HEAD (`--rev` is refused); `put-staged`
// loads no workspace: the artifacts come from the flat staging directory, `--rev` is required and
// used verbatim, `--package` is refused, and platform/toolchain are none unless given. Every
// artifact's bytes are checked against its name before anything is uploaded.
#pragma once

#include "daemon/core/event_sink.h"
#include "daemon/core/network.h"
#include "leancache/v1/cache.pb.h"

namespace leancache::lake {

// Both upload through `network.transport` with the config's network settings.
void RunPut(const core::Network& network, const v1::CommandRequest& request, core::EventSink& sink);
void RunPutStaged(const core::Network& network, const v1::CommandRequest& request, core::EventSink& sink);

}  // namespace leancache::lake
