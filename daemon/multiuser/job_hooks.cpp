#include "daemon/multiuser/job_hooks.h"

namespace leancache::multiuser {

void OfferPut(SharedCache& shared, const std::vector<std::filesystem::path>& archives,
              core::EventSink& sink) {
  Upstream* upstream = shared.upstream();
  if (upstream == nullptr || archives.empty()) return;
  OfferSummary s = upstream->Offer(archives);
  if (s.unavailable && s.stored + s.quarantined + s.already == 0) return;  // no shared cache here
  std::string line = absl::StrCat("Shared cache: ", s.stored, " stored, ", s.already, " already present");
  if (s.quarantined > 0) {
    absl::StrAppend(&line, ", ", s.quarantined,
                    " quarantined (served only to you until a trusted user stores the same bytes)");
  }
  if (s.failed > 0) absl::StrAppend(&line, ", ", s.failed, " not accepted");
  sink.Out(line);
  for (const auto& e : s.errors) sink.Err(e);
}

}  // namespace leancache::multiuser
