#include "daemon/service/prefetch_service.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "daemon/project/project_keys.h"
#include "daemon/editor/prefetch_order.h"
#include "daemon/editor/prefetch_scheduler.h"
#include "daemon/get/get_job.h"
#include "daemon/service/grpc_event_sink.h"

namespace leancache::service {
namespace {

// The daemon's one scheduler: prefetches of every client compete in it.
editor::PrefetchScheduler& Scheduler() {
  static editor::PrefetchScheduler scheduler;
  return scheduler;
}

}  // namespace

grpc::Status RunPrefetch(const core::DaemonState& state, grpc::ServerContext* context,
                         const v1::PrefetchRequest& request, grpc::ServerWriter<v1::Event>* writer) {
  GrpcEventSink sink(context, writer);
  if (request.modules().empty()) {
    sink.Err("Prefetch needs at least one module or .lean file");
    sink.Done(1);
    return grpc::Status::OK;
  }
  std::vector<std::string> modules(request.modules().begin(), request.modules().end());
  auto project = project::ComputeProjectKeys(state.local, request.invocation(), modules, sink);
  if (!project.ok()) {
    sink.Fail(project.status());
    return grpc::Status::OK;
  }

  const auto closure = keys::ClosureOf(*project->keys, project->roots);
  std::vector<std::string> order = editor::PrefetchOrder(closure, project->roots);
  project->scope.clear();  // the same modules, leaves first, pointing into the key graph
  for (const auto& module : order) project->scope.push_back(&*project->keys->modules.find(module));
  sink.Out(absl::StrCat("Prefetching the imports of ", absl::StrJoin(project->roots, ", "), ": ", order.size(),
                        " module(s), leaves first (priority ", request.priority(), ")"));

  auto turn = Scheduler().Acquire(
      request.priority(), [context] { return context->IsCancelled(); },
      [&sink](size_t ahead) { sink.Out(absl::StrCat("Waiting for ", ahead, " other prefetch(es) to finish")); });
  if (!turn) {
    sink.Err("cancelled");
    sink.Done(130);
    return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by client");
  }
  get::RunGetJob(state.local, state.network, state.observers, *project, get::GetFlags{}, sink);
  if (context->IsCancelled()) return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by client");
  return grpc::Status::OK;
}

}  // namespace leancache::service
