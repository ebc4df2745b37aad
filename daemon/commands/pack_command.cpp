#include "daemon/commands/pack_command.h"

#include "absl/strings/str_cat.h"
#include "daemon/commands/project_keys.h"
#include "daemon/pack/pack_run.h"

namespace leancache::commands {

void RunPack(const service::DaemonState& state, const v1::CommandRequest& request,
             service::EventSink& sink) {
  const std::string& word = request.command();
  if (word != "pack" && word != "pack!") {
    sink.Err(absl::StrCat("Unknown command '", word, "'"));
    return sink.Done(1);
  }
  auto project = ComputeProjectKeys(state, request, sink);
  if (!project) return;
  if (!request.invocation().args().empty()) {
    sink.Err(absl::StrCat("Unknown command '", word, "'"));
    return sink.Done(1);
  }
  pack::PackRunFlags flags;
  flags.force = word == "pack!";
  auto report = pack::RunPackStep(state, *project, flags, sink);
  if (!report) return;
  sink.Done(0, pack::PackSummaryJson(*report, 0));
}

}  // namespace leancache::commands
