#pragma once
// Watch: a stream of changes for one project, for editors and `leancache watch`.
//
// Sequence: the watch on the tree is established (inotify, see project_watcher.h) and the state
// of every module is taken as the baseline; then a `ready` event (text: the project root) is
// sent. From then on, after each debounced batch of file changes, the keys and states are
// recomputed and a `file` event is sent for every module whose key, archive, unpacked flag,
// problem or reason changed (path = its absolute source file; a module that left the project
// gets PROBLEM_NOT_IN_PROJECT; the files of the batch itself come first, then the rest by
// module name). .lean files that change but are outside Mathlib's own import
// graph (a downstream project's files) are added as roots, so their states are tracked too.
// While a get runs on the same project its progress is forwarded as `progress` events (via the
// core::ProgressHub); its final "done" progress triggers a rescan, which reports the unpacked files.
//
// The stream ends when the client cancels, a write fails, or the daemon shuts down (the hub is
// closed): each is noticed within ~100 ms.

#include <grpcpp/grpcpp.h>

#include "daemon/core/daemon_state.h"
#include "leancache/v1/cache.grpc.pb.h"

namespace leancache::service {

// Runs one Watch RPC. Errors: the project cannot be opened (INVALID_ARGUMENT with the reason),
// the tree cannot be watched (RESOURCE_EXHAUSTED for inotify limits, INTERNAL otherwise).
grpc::Status RunWatch(const core::DaemonState& state, grpc::ServerContext* context,
                      const v1::WatchRequest& request, grpc::ServerWriter<v1::WatchEvent>* writer);

}  // namespace leancache::service
