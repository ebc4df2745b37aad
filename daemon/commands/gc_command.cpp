#include "daemon/commands/gc_command.h"

namespace leancache::commands {

void RunGc(const service::DaemonState&, const v1::CommandRequest&, service::EventSink& sink) {
  sink.Err("leancache: 'gc' is not implemented yet");
  sink.Done(1);
}

}  // namespace leancache::commands
