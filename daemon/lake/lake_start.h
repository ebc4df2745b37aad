// The common start of every `leancache lake` verb: parse its flags, build its context. On error
// the sink is finished ("error: ...", exit 1) and nullopt returned.
#pragma once

#include <optional>

#include "absl/types/span.h"
#include "daemon/lake/lake_args.h"
#include "daemon/lake/lake_context.h"
#include "daemon/core/event_sink.h"
#include "leancache/v1/cache.pb.h"

namespace leancache::lake {

struct VerbStart {
  LakeContext ctx;
  LakeArgs args;
};

// `min_positional`..`max_positional` positionals are accepted ("unexpected arguments" /
// "missing argument" otherwise, as Lake says).
std::optional<VerbStart> StartVerb(const v1::CommandRequest& request, absl::Span<const FlagSpec> flags,
                                   size_t min_positional, size_t max_positional, core::EventSink& sink);

}  // namespace leancache::lake
