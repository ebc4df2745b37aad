#pragma once
// Uploads (spec §7, §8): `put`, `put!`, `put-unpacked` pack the project then upload its
// archives; `put-staged --staging-dir=D` uploads D/**/*.ltar; `commit`, `commit!` upload the
// commit manifest. The backend (Azure, S3/R2, plain HTTP) comes from the forwarded environment;
// credentials travel only inside the request and never reach logs or messages.

#include "daemon/core/daemon_state.h"
#include "daemon/core/event_sink.h"
#include "leancache/v1/cache.pb.h"

namespace leancache::commands {

void RunPut(const core::DaemonState& state, const v1::CommandRequest& request,
            core::EventSink& sink);
void RunCommit(const core::DaemonState& state, const v1::CommandRequest& request,
               core::EventSink& sink);

}  // namespace leancache::commands
