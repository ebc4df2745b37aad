#include "daemon/get/job_progress.h"

#include "daemon/core/progress_hub.h"

namespace leancache::get {

void SendProgress(const JobContext& ctx, const char* phase, size_t files_total) {
  const JobState& job = *ctx.job;
  v1::Event event;
  auto* p = event.mutable_progress();
  p->set_phase(phase);
  p->set_files_total(files_total);
  p->set_files_ok(job.downloaded);
  p->set_files_failed(job.download_failed);
  p->set_files_done(job.downloaded + job.download_failed);
  p->set_bytes_done(job.bytes);
  double secs = std::chrono::duration<double>(Clock::now() - ctx.started).count();
  p->set_bytes_per_second(secs > 0 ? job.bytes / secs : 0);
  p->set_unpacked(job.unpacked);
  p->set_unpack_failed(job.unpack_failed);
  ctx.sink.Send(event);
  if (ctx.observers.progress_hub) ctx.observers.progress_hub->Publish(ctx.project.request.project_root.string(), *p);
}

}  // namespace leancache::get
