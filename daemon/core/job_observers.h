#pragma once
// Who watches jobs run besides the client that started them: editor watchers following a get's
// progress, and `stats` waiting for finished runs to write their records. Borrowed pointers
// (owned by server::RunDaemon), forward-declared so this header includes nothing above core.

namespace leancache::stats {
class PendingRuns;
}

namespace leancache::core {

class ProgressHub;

// A job reports here in addition to its own event stream. Either pointer may be null (no
// watchers, no waiting); users check.
struct JobObservers {
  ProgressHub* progress_hub = nullptr;         // get progress for editor watchers (Watch)
  stats::PendingRuns* pending_runs = nullptr;  // answered runs whose statistics are being written
};

}  // namespace leancache::core
