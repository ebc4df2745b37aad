#include "daemon/get/get_job.h"

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <map>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/fs/temp_sweep.h"
#include "common/keys/archive_name.h"
#include "common/ltar/archive.h"
#include "common/ltar/unpacker.h"
#include "daemon/core/progress_hub.h"
#include "daemon/evict/cache_quota.h"
#include "daemon/get/downstream_checks.h"
#include "daemon/get/output_placer.h"
#include "daemon/get/plan_memo.h"
#include "daemon/get/recent_misses.h"
#include "daemon/get/unpack_plan.h"
#include "daemon/get/unpack_pool.h"
#include "daemon/multiuser/job_hooks.h"
#include "daemon/sources/config.h"
#include "daemon/sources/get_sources.h"
#include "daemon/sources/network_session.h"
#include "daemon/stats/pending_runs.h"
#include "daemon/stats/run_counters.h"
#include "daemon/stats/stats_book.h"
#include "daemon/store/blob_store.h"
#include "daemon/transfer/fetch_group.h"
#include "daemon/transfer/transport.h"
#include "daemon/verify/archive_decode.h"
#include "nlohmann/json.hpp"
#include "spdlog/spdlog.h"

namespace leancache::get {
namespace {

using Clock = std::chrono::steady_clock;

// [bounded cache] How long a download waits for room under the cache size cap (while the cap is
// full of archives that running requests are downloading or unpacking) before it fails.
constexpr std::chrono::minutes kRoomWait{10};

struct Item {
  std::string module;
  const keys::ModuleEntry* entry;
  uint64_t key;
  std::string hash16;
};

// Counters shared with transport and unpack threads.
struct JobState {
  std::atomic<uint64_t> downloaded{0}, download_failed{0}, bytes{0};
  std::atomic<uint64_t> unpacked{0}, unpack_failed{0}, unpack_pending{0};
  stats::RunCounters stats;          // [stats] bytes unpacked and errors by kind
  evict::EvictionCounters evicted;   // [bounded cache] evictions this job's downloads caused
  std::mutex mu;
  std::vector<std::string> errors;  // user-facing failure lines, reported at the end
  std::set<std::string> swept_dirs;  // [reliability] output dirs cleared of dead temp files
  void AddError(std::string line) {
    std::lock_guard<std::mutex> lock(mu);
    errors.push_back(std::move(line));
  }
};

// [reliability] A daemon killed mid-unpack leaves AtomicFile temporaries next to the outputs it
// was writing. The module is then not current, so a later get unpacks it again: the first unpack
// of a job into each directory removes the temporaries of dead processes there (one readdir per
// directory and job).
void SweepOutputDirs(JobState& job, const std::vector<std::string>& written) {
  for (const auto& f : written) {
    std::string dir = std::filesystem::path(f).parent_path().string();
    {
      std::lock_guard<std::mutex> lock(job.mu);
      if (!job.swept_dirs.insert(dir).second) continue;
    }
    auto removed = fs::RemoveAbandonedTemps(dir);
    if (!removed.ok()) {
      spdlog::debug("temp sweep: {}", removed.status().ToString());
    } else if (*removed > 0) {
      spdlog::info("removed {} temporary file(s) of an interrupted unpack in {}", *removed, dir);
    }
  }
}

// [reliability] A get that re-unpacks a module which is already current (its archive was
// downloaded again) and is killed leaves temporaries beside outputs no later get rewrites. So
// the first get of each project in a daemon's life also walks the project's build trees
// (.lake/build and .lake/packages/*/.lake/build) once; the temporaries of live processes stay.
void SweepProjectOnce(const std::filesystem::path& project_root) {
  static std::mutex mu;
  static std::set<std::string> swept;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (!swept.insert(project_root.string()).second) return;
  }
  const auto started = Clock::now();
  std::vector<std::filesystem::path> roots = {project_root / ".lake" / "build"};
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(project_root / ".lake" / "packages", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    roots.push_back(it->path() / ".lake" / "build");
  }
  size_t removed = 0;
  for (const auto& root : roots) {
    auto n = fs::RemoveAbandonedTempsBelow(root.string());
    if (n.ok()) removed += *n; else spdlog::debug("temp sweep: {}", n.status().ToString());
  }
  spdlog::log(removed > 0 ? spdlog::level::info : spdlog::level::debug,
              "removed {} temporary file(s) of interrupted unpacks below {} ({:.1f} ms)", removed,
              project_root.string(), std::chrono::duration<double, std::milli>(Clock::now() - started).count());
}

}  // namespace

void RunGetJob(const core::DaemonState& state, const project::ProjectKeys& project,
               const GetFlags& flags, core::EventSink& sink) {
  const auto started = Clock::now();
  const auto& ws = *project.workspace;
  const auto project_root = project.request.project_root;

  if (flags.download) {
    auto check = CheckDownstream(ws);
    for (const auto& l : check.stdout_lines) sink.Out(l);
    for (const auto& l : check.stderr_lines) sink.Err(l);
    if (!check.ok) return sink.Done(1);
  }

  auto store = store::BlobStore::Open(project.cache_dir, state.index);
  if (!store.ok()) {
    sink.Err(absl::StrCat("uncaught exception: ", store.status().message()));
    return sink.Done(1);
  }
  if (auto scan = (*store)->EnsureScanned(); !scan.ok()) {
    spdlog::warn("scan of {} failed: {}", project.cache_dir.string(), scan.status().ToString());
  }
  // [stats] the run's start; [bounded cache] the size cap (config, or LEANCACHE_MAX_CACHE_SIZE).
  const int64_t started_unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                      std::chrono::system_clock::now().time_since_epoch()).count();
  auto cap_or = sources::EffectiveCacheCap(*state.config, project.request.env);
  if (!cap_or.ok()) {
    sink.Err(std::string(cap_or.status().message()));
    return sink.Done(1);
  }
  const uint64_t cap = *cap_or;

  std::vector<Item> items;
  items.reserve(project.scope.size());
  for (const auto* entry : project.scope) {
    items.push_back({entry->first, &entry->second, entry->second.key,
                     absl::StrFormat("%016x", entry->second.key)});
  }
  for (const auto& root : project.roots) {
    if (!project.keys->modules.count(root)) sink.Out(absl::StrCat(root, " is not covered by the olean cache."));
  }

  if (flags.unpack) SweepProjectOnce(project_root);
  auto previous_root = ReadRootHashRecord(project_root);
  const bool root_changed = !previous_root || *previous_root != project.keys->root_hash;
  const bool force_unpack = flags.force_unpack || (root_changed && flags.unpack);

  auto job = std::make_shared<JobState>();
  const std::filesystem::path mathlib_dir = ws.mathlib_dir();
  auto* pool = state.unpack_pool;
  auto out_dirs = std::make_shared<ltar::OutputDirs>();  // resolved once per directory and job
  // [output store] unpack once per machine, clone into each project (daemon/outstore)
  std::shared_ptr<OutputPlacer> placer = OutputPlacer::ForJob(*state.config, project.request.env, state.index,
                                                              **store, state.quota, cap);
  auto unpack_one = [job, &store, &mathlib_dir, project_root, out_dirs, placer](const Item& item) {
    auto archive = (*store)->Path(item.key);
    ltar::UnpackOptions options;
    options.force = true;  // the skip decision was made by the planner
    options.dirs = out_dirs.get();
    auto base = UnpackBase(*item.entry, project_root, mathlib_dir);
    auto result = placer->Unpack(archive, item.key, base, options);
    if (result.ok()) {
      job->unpacked++;
      job->stats.Add(stats::Counter::kBytesUnpacked, result->bytes_written);  // [stats]
      SweepOutputDirs(*job, result->written);
    } else {
      job->unpack_failed++;
      job->stats.AddError(stats::ClassifyUnpackFailure(result.status()));  // [stats]
      // A damaged archive must not be served again: drop it so the next get re-downloads it.
      // [reliability] A sound archive whose outputs could not be written (disk full,
      // permissions) is kept.
      std::string removal;
      if (!verify::ArchiveDecodes(archive).ok()) {
        absl::Status removed = (*store)->Remove(item.key);
        removal = removed.ok() ? "; archive removed"
                               : absl::StrCat("; damaged archive not removed: ", removed.message());
      }
      job->AddError(absl::StrCat(item.module, " (", archive.string(), "): ", result.status().message(), removal));
    }
  };
  auto* quota = state.quota;
  store::BlobStore* pin_store = store->get();
  auto queue_unpack = [job, pool, unpack_one, quota, pin_store](const Item& item) {
    job->unpack_pending++;
    // [bounded cache] the archive stays pinned (never evicted) until it is unpacked.
    auto pin = quota ? std::make_shared<evict::Pin>(quota->PinKey(*pin_store, item.key)) : nullptr;
    pool->Submit([job, unpack_one, item, pin] {
      unpack_one(item);
      job->unpack_pending--;
    });
  };

  // Archives already in CACHEDIR, and modules already unpacked. A plain get/unpack of a scope
  // that was entirely current, with nothing changed since (PlanMemo), skips the checks.
  std::vector<const Item*> missing;
  size_t already = 0, cached_to_unpack = 0;
  std::vector<const Item*> to_unpack_now;
  PlanMemo* memo = state.plan_memo;
  std::string memo_key;
  std::optional<PlanMemo::Ticket> ticket;
  bool memo_hit = false;
  if (memo != nullptr && !flags.force_download && !force_unpack) {
    memo_key = absl::StrCat(project_root.string(), "\n", project.cache_dir.string(), "\n",
                            flags.download, flags.unpack, "\n", absl::StrJoin(project.roots, ","),
                            "\n", items.size());
    memo_hit = memo->Current(memo_key, project.keys);
    if (!memo_hit) {
      std::vector<std::string> watched_files;
      watched_files.reserve(items.size() + 1);
      for (const auto& item : items) watched_files.push_back(TracePath(*item.entry).string());
      watched_files.push_back(RootHashRecordPath(project_root).string());
      ticket = memo->Begin(memo_key, project.keys, watched_files, {project.cache_dir});
    }
  }
  if (memo_hit) {
    if (flags.unpack) already = items.size();
  } else {
    for (const auto& item : items) {
      bool present = !flags.force_download && (*store)->Has(item.key);
      if (!present) {
        if (flags.download) missing.push_back(&item);
        continue;
      }
      if (!flags.unpack) continue;
      if (!force_unpack && AlreadyUnpacked((*store)->Path(item.key), *item.entry, *state.dep_hashes)) {
        ++already;
        continue;
      }
      to_unpack_now.push_back(&item);
    }
  }
  cached_to_unpack = to_unpack_now.size();
  spdlog::debug("get: planned {} modules in {:.1f} ms ({} missing, {} to unpack, {} current)", items.size(),
                std::chrono::duration<double, std::milli>(Clock::now() - started).count(), missing.size(),
                cached_to_unpack, already);
  if (flags.download && cached_to_unpack > 0) {
    sink.Out(absl::StrCat("Decompressing ", cached_to_unpack, " already-cached file(s)",
                          already > 0 ? absl::StrCat(" (", already, " already decompressed)") : ""));
  } else if (!flags.download) {
    if (cached_to_unpack == 0 && already > 0) {
      sink.Out(absl::StrCat("Already decompressed ", already, " file(s)"));
    } else if (cached_to_unpack == 0) {
      sink.Out("No cache files to decompress");
    } else {
      sink.Out(absl::StrCat("Decompressing ", cached_to_unpack, " file(s)",
                            already > 0 ? absl::StrCat(" (", already, " already decompressed)") : ""));
    }
  }
  for (const auto* item : to_unpack_now) queue_unpack(*item);

  // Downloads, round by round.
  std::vector<const Item*> remaining = missing;
  size_t total_to_fetch = missing.size();
  bool cancelled = false;
  std::set<const Item*> last_missed;  // still missing, and the last round answered 404
  std::map<const Item*, transfer::Result> unreached;  // [net] only sources that were unreachable
  const bool offline = flags.download && sources::OfflineRequested(project.request.options, project.request.env);
  auto send_progress = [&](const char* phase) {
    v1::Event event;
    auto* p = event.mutable_progress();
    p->set_phase(phase);
    p->set_files_total(total_to_fetch);
    p->set_files_ok(job->downloaded);
    p->set_files_failed(job->download_failed);
    p->set_files_done(job->downloaded + job->download_failed);
    p->set_bytes_done(job->bytes);
    double secs = std::chrono::duration<double>(Clock::now() - started).count();
    p->set_bytes_per_second(secs > 0 ? job->bytes / secs : 0);
    p->set_unpacked(job->unpacked);
    p->set_unpack_failed(job->unpack_failed);
    sink.Send(event);
    if (state.progress_hub) state.progress_hub->Publish(project_root.string(), *p);  // editor Watch
  };
  if (flags.download && missing.empty()) sink.Out("No files to download");
  if (flags.download && !missing.empty() && offline) {  // [net] no network: what is missing is a miss
    std::vector<std::string> names;
    for (const auto* item : missing) names.push_back(absl::StrCat(item->module, " (", item->hash16, ".ltar)"));
    for (const auto& line : sources::OfflineMissingLines(names)) sink.Out(line);
    remaining = missing;
    last_missed.insert(missing.begin(), missing.end());
  } else if (flags.download && !missing.empty()) {
    if (state.shared != nullptr) {  // the shared system cache before HTTP (daemon/multiuser/README.md)
      remaining = multiuser::TakeShared(*state.shared, **store, remaining, sink, [&](const Item& item) {
        job->downloaded++;
        if (flags.unpack) queue_unpack(item);
      });
    }
    const std::vector<const Item*> wanted_from_http = remaining;
    sources::GetSourcesRequest req;
    req.mathlib_dir = mathlib_dir;
    std::error_code ec;
    req.is_mathlib_root = std::filesystem::exists(project_root / "Mathlib", ec);
    req.options = project.request.options;
    req.env = project.request.env;
    auto chain = sources::ResolveGetSources(req, *state.config);
    if (!chain.ok()) {
      sink.Err(std::string(chain.status().message()));
      return sink.Done(1);
    }
    // [net] the request's proxies/CAs, circuit breaker and time budget, for all its transfers
    auto session = sources::MakeTransferSession(*state.config, project.request.env);
    if (!session.ok()) {
      sink.Err(std::string(session.status().message()));
      return sink.Done(1);
    }
    for (const auto& m : chain->messages) {
      if (m.stream == sources::Message::Stream::kStderr) sink.Err(m.text); else sink.Out(m.text);
    }
    // [negative cache] archives a source recently answered "not found" for are not asked again
    RecentMisses recent(state.index, *state.config, project.request.env, project.request.options,
                        flags.force_download);
    for (const auto& round : chain->chain.rounds) {
      if (remaining.empty() || cancelled) break;
      std::vector<const Item*> known_missing;
      {
        std::vector<std::string> hashes;
        for (const auto* item : remaining) hashes.push_back(item->hash16);
        auto known = recent.Lookup(round, hashes);
        if (known.count > 0) {
          sink.Out(RecentMisses::Message(round, known, RecentMisses::NowMs()));
          std::vector<const Item*> ask;
          for (size_t i = 0; i < remaining.size(); ++i) (known.missing[i] ? known_missing : ask).push_back(remaining[i]);
          remaining = std::move(ask);
        }
      }
      if (!remaining.empty()) sink.Out(round.AttemptMessage(remaining.size()));
      struct Pending {
        const Item* item;
        std::shared_future<transfer::Result> result;
        std::filesystem::path temp;  // ours to remove unless the fetch delivered into it
        std::shared_ptr<std::atomic<bool>> unpack_queued;  // [bounded cache] by the finisher
      };
      std::vector<Pending> pending;
      for (const auto* item : remaining) {
        if (!flags.force_download && (*store)->Has(item->key)) {  // fetched meanwhile by another request
          job->downloaded++;
          if (flags.unpack) queue_unpack(*item);
          pending.push_back({item, {}, {}, nullptr});
          continue;
        }
        // [bounded cache] room under the size cap before anything is written: an estimate now,
        // grown to the Content-Length by the transport; waits while pinned archives fill the cap.
        auto room = state.quota == nullptr ? absl::StatusOr<std::unique_ptr<evict::Reservation>>(std::unique_ptr<evict::Reservation>())
                    : state.quota->Reserve(**store, item->key, cap == 0 ? 0 : state.quota->ExpectedSize(**store, cap),
                                           cap, kRoomWait, [&sink] { return sink.cancelled(); }, &job->evicted);
        if (!room.ok()) {
          job->download_failed++;
          job->stats.AddError(stats::ErrorKind::kCacheFull);
          job->AddError(absl::StrCat(item->hash16, ".ltar: ", room.status().message()));
          continue;
        }
        std::shared_ptr<evict::Reservation> reservation = std::move(*room);
        auto unpack_queued = std::make_shared<std::atomic<bool>>(false);
        auto temp = (*store)->TempPathFor(item->key);
        if (!temp.ok()) {
          job->download_failed++;
          job->AddError(absl::StrCat(item->hash16, ".ltar: ", temp.status().message()));
          continue;
        }
        transfer::GetRequest request;
        request.url = round.FileUrl(item->hash16);
        request.temp_path = temp->string();
        request.forbidden_is_miss = round.forbidden_is_miss;
        request.session = *session;
        if (reservation && cap != 0) {
          request.reserve = [reservation, cap](uint64_t total) {
            if (reservation->GrowTo(total)) return transfer::Room::kGranted;
            return total > cap ? transfer::Room::kNever : transfer::Room::kNotYet;
          };
          request.room_wait = kRoomWait;
        }
        const Item* fetched = item;
        const bool unpack_on_arrival = flags.unpack;
        store::BlobStore* blob_store = store->get();
        uint64_t key = item->key;
        std::string origin = request.url;
        bool started_fetch = false;
        auto shared = state.fetches->Fetch(
            absl::StrCat(project.cache_dir.string(), "/", item->hash16), request,
            [blob_store, key, origin, temp = *temp, reservation, unpack_queued, queue_unpack, fetched,
             unpack_on_arrival](transfer::Result r) {
              if (r.verdict != transfer::Verdict::kDelivered) return r;
              auto parsed = ltar::Archive::ReadFile(temp.string());
              if (!parsed.ok()) {
                std::filesystem::remove(temp);
                r.verdict = transfer::Verdict::kFailed;
                r.error = absl::StrCat("not a valid archive: ", parsed.status().message());
                return r;
              }
              auto adopted = blob_store->Adopt(temp, key, origin);
              if (!adopted.ok()) {
                r.verdict = transfer::Verdict::kFailed;
                r.error = std::string(adopted.status().message());
              } else {
                // [bounded cache] count the archive, and unpack it now (pinned) so its room is
                // freed without waiting for earlier downloads of this job.
                if (reservation) reservation->Commit(adopted->size);
                if (unpack_on_arrival) {
                  queue_unpack(*fetched);
                  unpack_queued->store(true);
                }
              }
              return r;
            },
            nullptr, &started_fetch,
            flags.force_download ? std::function<bool()>() : [blob_store, key] { return blob_store->Has(key); });
        std::error_code rm_ec;
        if (!started_fetch) std::filesystem::remove(*temp, rm_ec);
        pending.push_back({item, shared, started_fetch ? *temp : std::filesystem::path(),
                           started_fetch ? unpack_queued : nullptr});
      }
      std::vector<const Item*> next;
      auto last_progress = Clock::now() - std::chrono::seconds(1);
      for (auto& p : pending) {
        if (!p.result.valid()) continue;
        while (p.result.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
          if (sink.cancelled() && !cancelled) {
            cancelled = true;
            for (auto& q : pending) {
              if (q.result.valid()) state.fetches->Cancel(absl::StrCat(project.cache_dir.string(), "/", q.item->hash16));
            }
          }
          if (Clock::now() - last_progress > std::chrono::milliseconds(200)) {
            send_progress("download");
            last_progress = Clock::now();
          }
        }
        const auto& r = p.result.get();
        if (r.verdict != transfer::Verdict::kDelivered && !p.temp.empty()) {
          // A transfer cancelled or failed before it started never touched the file that
          // TempPathFor created for it.
          std::error_code rm_ec;
          std::filesystem::remove(p.temp, rm_ec);
        }
        switch (r.verdict) {
          case transfer::Verdict::kDelivered:
            job->downloaded++;
            job->bytes += r.bytes;
            if (flags.unpack && !(p.unpack_queued && p.unpack_queued->load())) queue_unpack(*p.item);
            break;
          case transfer::Verdict::kMiss:
            next.push_back(p.item);
            last_missed.insert(p.item);
            recent.Missed(p.item->hash16);
            unreached.erase(p.item);
            break;
          default:
            if (r.unreachable) {  // [net] reported once per host below; a later round may have it
              next.push_back(p.item);
              last_missed.erase(p.item);
              unreached[p.item] = r;
              break;
            }
            unreached.erase(p.item);
            job->download_failed++;
            job->stats.AddError(stats::ClassifyTransferFailure(r));  // [stats]
            job->AddError(absl::StrCat(p.item->hash16, ".ltar: ", r.error.empty() ? transfer::VerdictName(r.verdict) : r.error));
            next.push_back(p.item);
            last_missed.erase(p.item);
            break;
        }
      }
      remaining = std::move(next);
      recent.EndRound(round);
      for (const auto* item : known_missing) {
        remaining.push_back(item);
        last_missed.insert(item);
      }
      for (const auto& failure : (*session)->breaker.TakeNew()) sink.Err(sources::UnreachableLine(failure));
    }
    for (const auto* item : remaining) {  // [net] no source could be reached for these
      auto it = unreached.find(item);
      if (it == unreached.end()) continue;
      job->download_failed++;
      job->stats.AddError(stats::ClassifyTransferFailure(it->second));
    }
    if (state.shared != nullptr) multiuser::OfferDelivered(*state.shared, **store, wanted_from_http, remaining);
    send_progress("download");
  }

  // Drain the unpack pipeline.
  auto last_progress = Clock::now();
  while (job->unpack_pending.load() > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (Clock::now() - last_progress > std::chrono::milliseconds(200)) {
      send_progress("unpack");
      last_progress = Clock::now();
    }
  }
  if (cancelled || sink.cancelled()) {
    sink.Err("cancelled");
    return sink.Done(130);
  }

  for (const auto& e : job->errors) sink.Err(e);
  int exit_code = 0;
  size_t misses = 0;
  for (const auto* item : remaining) misses += last_missed.count(item);
  if (flags.download && misses > 0) {
    sink.Err("Warning: some files were not found in the cache.");
    sink.Err("This usually means that your local checkout of mathlib4 has diverged from upstream.");
    sink.Err("If you push your commits to a branch of the mathlib4 repository, CI will build the oleans and they will be available later.");
    sink.Err("Alternatively, if you already have pushed your commits to a branch, this may mean the CI build has failed part-way through building.");
  }
  uint64_t unpacked = job->unpacked, unpack_failed = job->unpack_failed;
  if (flags.unpack && flags.download) sink.Out(absl::StrCat("Decompressed ", unpacked, " file(s)"));
  if (unpack_failed > 0) {
    sink.Out(absl::StrCat(unpack_failed, " decompression(s) failed"));
    exit_code = 1;
  }
  if (job->download_failed > 0) {
    sink.Out(absl::StrCat(job->download_failed.load(), " download(s) failed"));
    sink.Out(absl::StrCat("Downloading ", job->download_failed.load(), " files failed"));
    exit_code = 1;
  }
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
  if (exit_code == 0) {
    if (flags.unpack && root_changed) {
      if (auto st = WriteRootHashRecord(project_root, project.keys->root_hash); !st.ok()) {
        sink.Err(absl::StrCat("warning: cannot record the root hash: ", st.message()));
      }
    }
    if (!flags.download) {
      if (cached_to_unpack > 0) {
        sink.Out(absl::StrCat("Decompressed in ", ms, " ms"));
        sink.Out("Completed successfully!");
      }
    } else if (flags.unpack) {
      sink.Out(absl::StrCat("Completed successfully in ", ms, " ms!"));
    } else {
      sink.Out("Downloaded all files successfully!");
    }
  }
  // [bounded cache] say when the cap made this run evict archives.
  const uint64_t evicted = job->evicted.archives.load(), evicted_bytes = job->evicted.bytes.load();
  if (evicted > 0) {
    sink.Out(absl::StrCat("Note: evicted ", evicted, " archive(s) (", stats::HumanBytes(evicted_bytes), ") from ",
                          (*store)->dir().string(), " to stay under its size cap of ", stats::HumanBytes(cap),
                          "; a later get downloads again the ones it needs"));
  }
  if (ticket && exit_code == 0 && missing.empty() && to_unpack_now.empty()) {
    memo->Record(std::move(*ticket));
  } else if (memo != nullptr && !memo_key.empty() && !memo_hit) {
    memo->Forget(memo_key);
  }
  nlohmann::json summary = {{"modules", items.size()},
                            {"missing_before", total_to_fetch},
                            {"downloaded", job->downloaded.load()},
                            {"download_failed", job->download_failed.load()},
                            {"not_found", misses},
                            {"bytes_downloaded", job->bytes.load()},
                            {"unpacked", unpacked},
                            {"unpack_failed", unpack_failed},
                            {"already_unpacked", already},
                            {"root_hash", absl::StrFormat("%016x", project.keys->root_hash)},
                            {"milliseconds", ms},
                            {"exit_code", exit_code}};
  summary["archives_evicted"] = evicted;  // [bounded cache]
  summary["bytes_evicted"] = evicted_bytes;
  summary["cache_size_cap"] = cap;
  auto stats_hold = stats::PendingRuns::Begin(state.pending_runs);  // `stats` waits for the record
  sink.Done(exit_code, summary.dump());
  {  // [stats] this run, into the index (lifetime and last get), after the client has its answer
    job->stats.Add(stats::Counter::kHits, flags.download ? items.size() - missing.size() : already + cached_to_unpack);
    job->stats.Add(stats::Counter::kMisses, flags.download ? missing.size() : items.size() - already - cached_to_unpack);
    job->stats.Add(stats::Counter::kDownloaded, job->downloaded.load());
    job->stats.Add(stats::Counter::kNotFound, misses);
    job->stats.Add(stats::Counter::kBytesDownloaded, job->bytes.load());
    job->stats.Add(stats::Counter::kUnpacked, unpacked);
    job->stats.Add(stats::Counter::kArchivesEvicted, evicted);
    job->stats.Add(stats::Counter::kBytesEvicted, evicted_bytes);
    const char* word = !flags.download ? (flags.force_unpack ? "unpack!" : "unpack")
                       : flags.force_download ? "get!" : !flags.unpack ? "get-" : "get";
    if (auto st = stats::RecordRun(*state.index, job->stats.ToRecord(word, started_unix_ms, ms)); !st.ok()) {
      spdlog::warn("cannot record statistics: {}", st.ToString());
    }
    stats_hold.Release();
  }
  if (state.progress_hub) {  // editor Watch: the job ended, watchers rescan
    v1::Progress end;
    end.set_phase("done"), end.set_files_total(total_to_fetch), end.set_files_ok(job->downloaded);
    end.set_unpacked(unpacked), end.set_unpack_failed(unpack_failed), end.set_files_failed(job->download_failed);
    state.progress_hub->Publish(project_root.string(), end);
  }
  spdlog::debug("get: done in {:.1f} ms", std::chrono::duration<double, std::milli>(Clock::now() - started).count());

  // Record what this project uses (for a safe `clean`) and when, after the client has its
  // answer: two write transactions the user need not wait for.
  std::vector<uint64_t> used;
  used.reserve(items.size());
  for (const auto& item : items) used.push_back(item.key);
  if (!memo_hit) {  // a hit: recorded already
    if (auto added = (*store)->AddUser(used, project_root.string()); !added.ok()) {
      spdlog::warn("get: cannot record that {} uses its archives: {}", project_root.string(),
                   std::string(added.status().message()));
    }
  }
  if (auto touched = (*store)->Touch(used); !touched.ok()) {
    spdlog::warn("get: cannot record the last use of {}'s archives: {}", project_root.string(),
                 std::string(touched.status().message()));
  }
}

}  // namespace leancache::get
