// `leancache lake VERB [ARGS]`: the verb table of Lake's native-cache dialect and its dispatcher.
// Each verb gets the daemon's parts Lake verbs use, the request (args[0] is the verb, the rest
// Lake's arguments) and the output sink; it must end the stream with exactly one Done. Messages
// follow Lake: errors are printed as "error: ..." on stderr with exit code 1, warnings as
// "warning: ...".
#pragma once

#include <string_view>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "daemon/core/daemon_identity.h"
#include "daemon/core/event_sink.h"
#include "daemon/core/local_cache.h"
#include "daemon/core/network.h"
#include "leancache/v1/cache.pb.h"

namespace leancache::lake {

// The roles of the daemon the Lake verbs use between them; each verb's own function takes only
// the ones it needs (the table adapts).
struct VerbParts {
  const core::DaemonIdentity& identity;  // setup: the Lake service's port, the state dir
  const core::LocalCache& local;         // the index of Lake's artifact store
  const core::Network& network;          // config, transport, single-flight fetches
};

// Runs one verb to its end (the verb sends Done itself).
using VerbFn = void (*)(const VerbParts& parts, const v1::CommandRequest& request, core::EventSink& sink);

struct Verb {
  std::string_view name;
  std::string_view usage;    // "get [MAPPINGS] [--service|--scope|--repo] ..."
  std::string_view summary;  // one line
  VerbFn run;
};

// Every verb, in help order. To add one (e.g. `setup`), append a row in lake_verbs.cpp (with the
// adapter that hands its function the parts it takes).
absl::Span<const Verb> LakeVerbs();

// The RPC entry point: dispatches on args[0]; no verb or `help` prints the table (exit 0), an
// unknown verb is "error: unknown command 'X'" (exit 1).
void RunLake(const VerbParts& parts, const v1::CommandRequest& request, core::EventSink& sink);

// Reports `message` as "error: <message>" and ends the stream with exit code 1.
void Fail(core::EventSink& sink, absl::string_view message);

}  // namespace leancache::lake
