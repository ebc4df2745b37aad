// `leancache lake stage MAPPINGS DIR`, `unstage DIR` and `add MAPPINGS` (spec
// lake-native-cache.md §B.2, lake-native-cache-2026.md §3.8):
//   stage    creates DIR, copies MAPPINGS to DIR/outputs.jsonl and every artifact it names from
//            Lake's cache to DIR/<hash16>.<ext> (flat); a missing artifact is an error; existing
//            files are kept unless --force-overwrite;
//   unstage  reads DIR/outputs.jsonl (DIR must be flat regular files), writes the mappings into
//            the cache's outputs/<scope>/ and adopts every artifact into artifacts/ (verified by
//            Lake's hash); artifacts already cached (read-only files) are skipped;
//   add      writes the mappings into outputs/<scope>/ with the service/scope they are to be
//            fetched from later (--no-overwrite keeps existing ones).
// Mapping files are read strictly: a bad line or an unsafe artifact name is refused with its line
// number before anything is written. Every file is written under a temp name and renamed.
#pragma once

#include "daemon/core/event_sink.h"
#include "daemon/core/local_cache.h"
#include "leancache/v1/cache.pb.h"

namespace leancache::lake {

// stage and add only read and write files; unstage adopts into the Lake store indexed by
// `local.index`.
void RunStage(const v1::CommandRequest& request, core::EventSink& sink);
void RunUnstage(const core::LocalCache& local, const v1::CommandRequest& request, core::EventSink& sink);
void RunAdd(const v1::CommandRequest& request, core::EventSink& sink);

}  // namespace leancache::lake
