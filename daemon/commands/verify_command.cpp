#include "daemon/commands/verify_command.h"

namespace leancache::commands {

void RunVerify(const service::DaemonState&, const v1::CommandRequest&, service::EventSink& sink) {
  sink.Err("leancache: 'verify' is not implemented yet");
  sink.Done(1);
}

}  // namespace leancache::commands
