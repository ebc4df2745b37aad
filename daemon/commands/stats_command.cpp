#include "daemon/commands/stats_command.h"

namespace leancache::commands {

void RunStats(const service::DaemonState&, const v1::CommandRequest&, service::EventSink& sink) {
  sink.Err("leancache: 'stats' is not implemented yet");
  sink.Done(1);
}

}  // namespace leancache::commands
