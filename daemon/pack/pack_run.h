#pragma once
// The shared body of the pack-based commands (pack, stage, later put): git HEAD, the blob
// store, `Compressing cache`, PackModules and the verbose `packing … as …` lines, all reported
// to an EventSink.

#include <optional>
#include <string>

#include "daemon/project/project_keys.h"
#include "daemon/pack/pack_modules.h"
#include "daemon/core/event_sink.h"
#include "daemon/core/local_cache.h"

namespace leancache::pack {

struct PackRunFlags {
  bool force = false;
  bool unpacked_only = false;
  bool verbose = false;
};

// Runs the pack step for `project`, recording the archives in `local.index` (when set). On error
// the message is written to the sink as the original reports it (`uncaught exception: …`),
// Done(1) is sent (Done(130) when the client cancelled) and nullopt returned; on success nothing
// is sent after the messages, so the caller continues or sends Done(0).
std::optional<PackReport> RunPackStep(const core::LocalCache& local,
                                      const project::ProjectKeys& project,
                                      const PackRunFlags& flags, core::EventSink& sink);

// The --json summary of a pack step: {"packed","existing","not_packable","listed","exit_code"}.
std::string PackSummaryJson(const PackReport& report, int exit_code);

}  // namespace leancache::pack
