#include "daemon/service/command_table.h"

#include "daemon/commands/clean_command.h"
#include "daemon/commands/gc_command.h"
#include "daemon/commands/get_command.h"
#include "daemon/commands/hash_command.h"
#include "daemon/commands/lookup_command.h"
#include "daemon/commands/pack_command.h"
#include "daemon/commands/put_command.h"
#include "daemon/commands/stage_command.h"
#include "daemon/commands/stats_command.h"
#include "daemon/commands/verify_command.h"
#include "daemon/lake/lake_verbs.h"

namespace leancache::service {
namespace {

// The Stage RPC carries both directions; the command word picks one.
void RunStageOrUnstage(const core::DaemonState& state, const v1::CommandRequest& request,
                       core::EventSink& sink) {
  const std::string& word = request.command();
  bool unstage = word == "unstage" || word == "unstage!";
  (unstage ? commands::RunUnstage : commands::RunStage)(state, request, sink);
}

// `leancache lake VERB`: the Lake verbs get only the roles they use.
void RunLakeVerb(const core::DaemonState& state, const v1::CommandRequest& request, core::EventSink& sink) {
  lake::RunLake({state.identity, state.local, state.network}, request, sink);
}

}  // namespace

const std::vector<CommandRpc>& CommandTable() {
  static const std::vector<CommandRpc> table = {
      {"Hash", &commands::RunHash},     {"Lookup", &commands::RunLookup},
      {"Get", &commands::RunGet},       {"Unpack", &commands::RunUnpack},
      {"Clean", &commands::RunClean},   {"Pack", &commands::RunPack},
      {"Stage", &RunStageOrUnstage},    {"Put", &commands::RunPut},
      {"Commit", &commands::RunCommit}, {"Verify", &commands::RunVerify},
      {"Stats", &commands::RunStats},   {"Gc", &commands::RunGc},
      {"Lake", &RunLakeVerb},
  };
  return table;
}

}  // namespace leancache::service
