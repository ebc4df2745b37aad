#include "daemon/get/download_rounds.h"

#include <future>
#include <map>
#include <optional>

#include "absl/strings/str_cat.h"
#include "common/fs/owned_file.h"
#include "common/ltar/archive.h"
#include "daemon/get/job_progress.h"
#include "daemon/get/recent_misses.h"
#include "daemon/multiuser/job_hooks.h"
#include "daemon/sources/get_sources.h"
#include "daemon/sources/network_session.h"
#include "daemon/stats/error_kind.h"
#include "daemon/transfer/fetch_group.h"

namespace leancache::get {
namespace {

// [bounded cache] How long a download waits for room under the cache size cap (while the cap is
// full of archives that running requests are downloading or unpacking) before it fails.
constexpr std::chrono::minutes kRoomWait{10};

// One archive asked of the current round.
struct Pending {
  const Item* item;
  std::shared_future<transfer::Result> result;  // invalid: it was already there
  fs::OwnedFile temp;                            // the file the transfer writes, if it started
  std::shared_ptr<std::atomic<bool>> unpack_queued;  // [bounded cache] by the finisher
};

// A delivered body must parse as an archive before `store` adopts it as `key`. Returns the
// adopted size; a body that is not an archive or cannot be adopted turns `r` into a failure.
uint64_t AdoptArrival(store::BlobStore& store, transfer::Result& r, const std::filesystem::path& temp, uint64_t key,
                      const std::string& origin) {
  if (r.verdict != transfer::Verdict::kDelivered) return 0;
  auto parsed = ltar::Archive::ReadFile(temp.string());
  if (!parsed.ok()) {
    r.verdict = transfer::Verdict::kFailed;
    r.error = absl::StrCat("not a valid archive: ", parsed.status().message());
    return 0;
  }
  auto adopted = store.Adopt(temp, key, origin);
  if (!adopted.ok()) {
    r.verdict = transfer::Verdict::kFailed;
    r.error = std::string(adopted.status().message());
    return 0;
  }
  return adopted->size;
}

// The rounds of one job's downloads over one source chain.
class Downloader {
 public:
  Downloader(const JobContext& ctx, std::shared_ptr<UnpackQueue> unpack, std::shared_ptr<transfer::Session> session,
             size_t files_total)
      : ctx_(ctx),
        unpack_(std::move(unpack)),
        session_(std::move(session)),
        recent_(ctx.local.index, *ctx.network.config, ctx.project.request.env, ctx.project.request.options,
                ctx.flags.force_download),
        files_total_(files_total) {}

  // Asks `round` for out.remaining; what it does not deliver stays in out.remaining.
  void Round(const sources::Round& round, DownloadOutcome& out);

  // Counts the archives no source could be reached for as failed downloads.
  void CountUnreached(const DownloadOutcome& out);

 private:
  std::vector<const Item*> SkipKnownMisses(const sources::Round& round, std::vector<const Item*>& remaining);
  std::optional<Pending> Start(const sources::Round& round, const Item& item);
  void Wait(std::vector<Pending>& pending, DownloadOutcome& out);
  void Settle(Pending& p, const transfer::Result& r, std::vector<const Item*>& next, DownloadOutcome& out);
  std::string FetchKey(const Item& item) const {
    return absl::StrCat(ctx_.project.cache_dir.string(), "/", item.hash16);
  }

  const JobContext& ctx_;
  std::shared_ptr<UnpackQueue> unpack_;
  std::shared_ptr<transfer::Session> session_;
  RecentMisses recent_;  // [negative cache]
  size_t files_total_;
  std::map<const Item*, transfer::Result> unreached_;  // [net] only sources that were unreachable
};

// [negative cache] Takes out of `remaining` the archives `round` recently answered "not found"
// for, tells the user, and returns them.
std::vector<const Item*> Downloader::SkipKnownMisses(const sources::Round& round,
                                                     std::vector<const Item*>& remaining) {
  std::vector<const Item*> known_missing;
  std::vector<std::string> hashes;
  for (const auto* item : remaining) hashes.push_back(item->hash16);
  auto known = recent_.Lookup(round, hashes);
  if (known.count == 0) return known_missing;
  ctx_.sink.Out(RecentMisses::Message(round, known, RecentMisses::NowMs()));
  std::vector<const Item*> ask;
  for (size_t i = 0; i < remaining.size(); ++i) (known.missing[i] ? known_missing : ask).push_back(remaining[i]);
  remaining = std::move(ask);
  return known_missing;
}

void Downloader::Round(const sources::Round& round, DownloadOutcome& out) {
  std::vector<const Item*> known_missing = SkipKnownMisses(round, out.remaining);
  if (!out.remaining.empty()) ctx_.sink.Out(round.AttemptMessage(out.remaining.size()));
  std::vector<Pending> pending;
  for (const auto* item : out.remaining) {
    if (auto p = Start(round, *item)) pending.push_back(std::move(*p));
  }
  Wait(pending, out);
  recent_.EndRound(round);
  for (const auto* item : known_missing) {
    out.remaining.push_back(item);
    out.last_missed.insert(item);
  }
  for (const auto& failure : session_->breaker.TakeNew()) ctx_.sink.Err(sources::UnreachableLine(failure));
}

// Starts the transfer of `item` from `round` (or notes that it arrived meanwhile); nullopt when
// it failed before any transfer (no room under the cap, no temp file), counted as failed.
std::optional<Pending> Downloader::Start(const sources::Round& round, const Item& item) {
  JobState& job = *ctx_.job;
  const GetFlags& flags = ctx_.flags;
  if (!flags.force_download && ctx_.store->Has(item.key)) {  // fetched meanwhile by another request
    job.downloaded++;
    if (flags.unpack) unpack_->Queue(item);
    return Pending{&item, {}, {}, nullptr};
  }
  // [bounded cache] room under the size cap before anything is written: an estimate now, grown
  // to the Content-Length by the transport; waits while pinned archives fill the cap.
  std::shared_ptr<evict::Reservation> reservation;
  if (auto* quota = ctx_.local.quota) {
    const uint64_t cap = ctx_.cap;
    auto room = quota->Reserve(*ctx_.store, item.key, cap == 0 ? 0 : quota->ExpectedSize(*ctx_.store, cap), cap,
                               kRoomWait, [this] { return ctx_.sink.cancelled(); }, &job.evicted);
    if (!room.ok()) {
      job.download_failed++;
      job.stats.AddError(stats::ErrorKind::kCacheFull);
      job.AddError(absl::StrCat(item.hash16, ".ltar: ", room.status().message()));
      return std::nullopt;
    }
    reservation = std::move(*room);
  }
  auto temp_path = ctx_.store->TempPathFor(item.key);
  if (!temp_path.ok()) {
    job.download_failed++;
    job.AddError(absl::StrCat(item.hash16, ".ltar: ", temp_path.status().message()));
    return std::nullopt;
  }
  fs::OwnedFile temp(*temp_path);
  transfer::GetRequest request;
  request.url = round.FileUrl(item.hash16);
  request.temp_path = temp_path->string();
  request.forbidden_is_miss = round.forbidden_is_miss;
  request.session = session_;
  if (reservation && ctx_.cap != 0) {
    request.reserve = [reservation, cap = ctx_.cap](uint64_t total) {
      if (reservation->GrowTo(total)) return transfer::Room::kGranted;
      return total > cap ? transfer::Room::kNever : transfer::Room::kNotYet;
    };
    request.room_wait = kRoomWait;
  }
  auto unpack_queued = std::make_shared<std::atomic<bool>>(false);
  // Runs on a transport thread; owns what it uses (the job may be cancelled meanwhile).
  std::shared_ptr<store::BlobStore> store = ctx_.store;
  auto finish = [store, unpack = flags.unpack ? unpack_ : nullptr, temp = *temp_path, key = item.key,
                 origin = request.url, reservation, unpack_queued, fetched = item](transfer::Result r) {
    const uint64_t size = AdoptArrival(*store, r, temp, key, origin);
    if (r.verdict != transfer::Verdict::kDelivered) return r;
    // [bounded cache] count the archive, and unpack it now (pinned) so its room is freed
    // without waiting for earlier downloads of this job.
    if (reservation) reservation->Commit(size);
    if (unpack) {
      unpack->Queue(fetched);
      unpack_queued->store(true);
    }
    return r;
  };
  bool started = false;
  auto result = ctx_.network.fetches->Fetch(
      FetchKey(item), request, finish, nullptr, &started,
      flags.force_download ? std::function<bool()>() : [store, key = item.key] { return store->Has(key); });
  if (!started) return Pending{&item, result, {}, nullptr};  // `temp` goes: the transfer is another's
  return Pending{&item, result, std::move(temp), unpack_queued};
}

// Waits for every transfer of the round, cancelling them all if the client goes away, and
// sends progress every 200 ms.
void Downloader::Wait(std::vector<Pending>& pending, DownloadOutcome& out) {
  std::vector<const Item*> next;
  auto last_progress = Clock::now() - std::chrono::seconds(1);
  for (auto& p : pending) {
    if (!p.result.valid()) continue;
    while (p.result.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
      if (ctx_.sink.cancelled() && !out.cancelled) {
        out.cancelled = true;
        for (auto& q : pending) {
          if (q.result.valid()) ctx_.network.fetches->Cancel(FetchKey(*q.item));
        }
      }
      if (Clock::now() - last_progress > std::chrono::milliseconds(200)) {
        SendProgress(ctx_, "download", files_total_);
        last_progress = Clock::now();
      }
    }
    Settle(p, p.result.get(), next, out);
  }
  out.remaining = std::move(next);
}

// Counts one finished transfer; what was not delivered goes on to the next round.
void Downloader::Settle(Pending& p, const transfer::Result& r, std::vector<const Item*>& next, DownloadOutcome& out) {
  JobState& job = *ctx_.job;
  const Item* item = p.item;
  switch (r.verdict) {
    case transfer::Verdict::kDelivered:
      p.temp.Release();  // adopted: renamed into place
      job.downloaded++;
      job.bytes += r.bytes;
      if (ctx_.flags.unpack && !(p.unpack_queued && p.unpack_queued->load())) unpack_->Queue(*item);
      return;
    case transfer::Verdict::kMiss:
      next.push_back(item);
      out.last_missed.insert(item);
      recent_.Missed(item->hash16);
      unreached_.erase(item);
      return;
    default:
      next.push_back(item);
      out.last_missed.erase(item);
      if (r.unreachable) {  // [net] reported once per host; a later round may have it
        unreached_[item] = r;
        return;
      }
      unreached_.erase(item);
      job.download_failed++;
      job.stats.AddError(stats::ClassifyTransferFailure(r));  // [stats]
      job.AddError(absl::StrCat(item->hash16, ".ltar: ", r.error.empty() ? transfer::VerdictName(r.verdict) : r.error));
      return;
  }
}

void Downloader::CountUnreached(const DownloadOutcome& out) {
  for (const auto* item : out.remaining) {  // [net] no source could be reached for these
    auto it = unreached_.find(item);
    if (it == unreached_.end()) continue;
    ctx_.job->download_failed++;
    ctx_.job->stats.AddError(stats::ClassifyTransferFailure(it->second));
  }
}

}  // namespace

absl::StatusOr<DownloadOutcome> DownloadMissing(const JobContext& ctx, const std::shared_ptr<UnpackQueue>& unpack,
                                                const std::vector<const Item*>& missing) {
  DownloadOutcome out;
  out.remaining = missing;
  const auto& request = ctx.project.request;
  if (missing.empty()) {
    ctx.sink.Out("No files to download");
    return out;
  }
  if (sources::OfflineRequested(request.options, request.env)) {  // [net] what is missing is a miss
    std::vector<std::string> names;
    for (const auto* item : missing) names.push_back(absl::StrCat(item->module, " (", item->hash16, ".ltar)"));
    for (const auto& line : sources::OfflineMissingLines(names)) ctx.sink.Out(line);
    out.last_missed.insert(missing.begin(), missing.end());
    return out;
  }
  multiuser::SharedCache* shared = ctx.network.shared;
  if (shared != nullptr) {  // the shared system cache before HTTP (daemon/multiuser/README.md)
    out.remaining = multiuser::TakeShared(*shared, *ctx.store, out.remaining, ctx.sink, [&](const Item& item) {
      ctx.job->downloaded++;
      if (ctx.flags.unpack) unpack->Queue(item);
    });
  }
  const std::vector<const Item*> wanted_from_http = out.remaining;
  sources::GetSourcesRequest req;
  req.mathlib_dir = ctx.project.workspace->mathlib_dir();
  std::error_code ec;
  req.is_mathlib_root = std::filesystem::exists(request.project_root / "Mathlib", ec);
  req.options = request.options;
  req.env = request.env;
  auto chain = sources::ResolveGetSources(req, *ctx.network.config);
  if (!chain.ok()) return chain.status();
  // [net] the request's proxies/CAs, circuit breaker and time budget, for all its transfers
  auto session = sources::MakeTransferSession(*ctx.network.config, request.env);
  if (!session.ok()) return session.status();
  for (const auto& m : chain->messages) {
    if (m.stream == sources::Message::Stream::kStderr) ctx.sink.Err(m.text); else ctx.sink.Out(m.text);
  }
  Downloader downloader(ctx, unpack, *session, missing.size());
  for (const auto& round : chain->chain.rounds) {
    if (out.remaining.empty() || out.cancelled) break;
    downloader.Round(round, out);
  }
  downloader.CountUnreached(out);
  if (shared != nullptr) multiuser::OfferDelivered(*shared, *ctx.store, wanted_from_http, out.remaining);
  SendProgress(ctx, "download", missing.size());
  return out;
}

}  // namespace leancache::get
