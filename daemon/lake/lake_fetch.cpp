#include "daemon/lake/lake_fetch.h"

#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "common/hash/lean_hash.h"
#include "daemon/lake/reservoir_batch.h"
#include "daemon/transfer/fetch_group.h"
#include "daemon/transfer/redact.h"
#include "spdlog/spdlog.h"

namespace leancache::lake {
namespace {

struct Wanted {
  uint64_t hash = 0;
  std::vector<std::string> missing_exts;  // extensions still to place
};

struct Flight {
  Wanted* want;
  std::shared_future<transfer::Result> result;
  std::string url;
};

std::string Label(uint64_t hash, const std::string& ext) { return absl::StrCat(hash::Hex16(hash), ".", ext); }

// Groups `wanted` by hash, dropping extensions already present (unless forced).
std::vector<Wanted> MissingByHash(lakestore::LakeBlobStore& store, const std::vector<ArtifactName>& wanted,
                                  bool force, const std::string& user, FetchReport* report) {
  std::map<uint64_t, Wanted> by_hash;
  std::vector<uint64_t> present;
  for (const auto& a : wanted) {
    Wanted& w = by_hash[a.hash];
    w.hash = a.hash;
    if (!force && store.Find(a.hash, a.ext).ok()) {
      report->present++;
      present.push_back(a.hash);
      continue;
    }
    w.missing_exts.push_back(a.ext);
  }
  // LRU: last access now. A failure only ages these blobs for eviction; the get goes on.
  if (absl::StatusOr<size_t> touched = store.Touch(present, user); !touched.ok()) {
    spdlog::warn("lake get: cannot record the last use of {} artifact(s): {}", present.size(),
                 touched.status().ToString());
  }
  std::vector<Wanted> out;
  for (auto& [h, w] : by_hash) {
    if (!w.missing_exts.empty()) out.push_back(std::move(w));
  }
  return out;
}

// Places the other extensions of a hash whose first extension just arrived.
void PlaceCopies(lakestore::LakeBlobStore& store, const Wanted& w, const std::string& user, FetchReport* report) {
  const std::filesystem::path first = store.PathOf(w.hash, w.missing_exts[0]);
  for (size_t i = 1; i < w.missing_exts.size(); ++i) {
    auto copied = CopyIntoStore(store, w.hash, w.missing_exts[i], first, user);
    if (copied.ok()) {
      report->downloaded++;
    } else {
      report->failed++;
      report->errors.push_back(absl::StrCat(Label(w.hash, w.missing_exts[i]), ": ", copied.status().message()));
    }
  }
}

// Where each of `missing` is downloaded from: Reservoir names the URLs in a batch lookup, an S3
// service has one per hash.
absl::StatusOr<std::vector<std::string>> DownloadUrls(transfer::Transport& transport, lakestore::LakeBlobStore& store,
                                                      const Service& service, const RemoteScope& scope,
                                                      const std::vector<Wanted>& missing) {
  std::vector<uint64_t> hashes;
  hashes.reserve(missing.size());
  for (const auto& w : missing) hashes.push_back(w.hash);
  if (service.reservoir && !hashes.empty()) return ReservoirDownloadUrls(transport, service, scope, hashes, store.dir());
  std::vector<std::string> urls;
  urls.reserve(hashes.size());
  for (uint64_t h : hashes) urls.push_back(ArtifactUrl(service, scope, h));
  return urls;
}

}  // namespace

std::string ArtifactUrl(const Service& service, const RemoteScope& scope, uint64_t hash) {
  return service.reservoir ? ReservoirArtifactUrl(service.api, scope, hash)
                           : S3ArtifactUrl(service.artifact_endpoint, scope.value, hash);
}

absl::StatusOr<lakestore::LakeBlobInfo> CopyIntoStore(lakestore::LakeBlobStore& store, uint64_t hash,
                                                      std::string_view ext, const std::filesystem::path& from,
                                                      std::string_view user) {
  absl::StatusOr<fs::OwnedFile> temp = store.NewTemp(hash);
  if (!temp.ok()) return temp.status();
  std::error_code ec;
  std::filesystem::copy_file(from, temp->path(), std::filesystem::copy_options::overwrite_existing, ec);
  if (ec) return absl::InternalError(absl::StrCat("copy ", from.string(), ": ", ec.message()));
  std::filesystem::permissions(temp->path(), std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::add, ec);
  std::filesystem::path path = temp->path();
  temp->Release();  // Adopt consumes it
  return store.Adopt(hash, ext, path, user, absl::StrCat("copy:", from.string()));
}

FetchReport FetchArtifacts(const core::Network& network, lakestore::LakeBlobStore& store,
                           const Service& service, const RemoteScope& scope,
                           const std::vector<ArtifactName>& wanted, const FetchOptions& options) {
  FetchReport report;
  std::vector<Wanted> missing = MissingByHash(store, wanted, options.force, options.user, &report);
  // Arrivals are adopted without per-blob directory fsync and index write; they are recorded
  // together (one transaction, one directory fsync) once every flight has landed.
  struct Landed {
    std::mutex mu;
    std::vector<lakestore::LakeBlobInfo> infos;
  };
  auto landed = std::make_shared<Landed>();
  absl::StatusOr<std::vector<std::string>> urls = DownloadUrls(*network.transport, store, service, scope, missing);
  if (!urls.ok()) {  // no URL, no download: every missing artifact fails with the lookup's error
    for (const auto& w : missing) report.failed += w.missing_exts.size();
    report.errors.push_back(std::string(urls.status().message()));
    return report;
  }
  std::vector<Flight> flights;
  flights.reserve(missing.size());
  for (size_t i = 0; i < missing.size(); ++i) {
    Wanted& w = missing[i];
    absl::StatusOr<fs::OwnedFile> temp = store.NewTemp(w.hash);
    if (!temp.ok()) {
      report.failed += w.missing_exts.size();
      report.errors.push_back(absl::StrCat(Label(w.hash, w.missing_exts[0]), ": ", temp.status().message()));
      continue;
    }
    transfer::GetRequest request;
    request.url = (*urls)[i];
    request.session = service.session;
    request.temp_path = temp->path().string();
    auto temp_owner = std::make_shared<fs::OwnedFile>(std::move(*temp));
    const uint64_t hash = w.hash;
    const std::string ext = w.missing_exts[0], user = options.user, origin = transfer::RedactUrl(request.url);
    lakestore::LakeBlobStore* target = &store;
    auto finish = [target, hash, ext, temp_owner, landed](transfer::Result r) {
      if (r.verdict != transfer::Verdict::kDelivered) return r;
      std::filesystem::path path = temp_owner->path();
      temp_owner->Release();  // Adopt consumes the file in every case
      auto adopted = target->AdoptDeferred(hash, ext, path);
      if (!adopted.ok()) {
        r.verdict = transfer::Verdict::kFailed;
        r.error = absl::StrCat("downloaded artifact rejected: ", adopted.status().message());
      } else {
        std::lock_guard<std::mutex> lock(landed->mu);
        landed->infos.push_back(*adopted);
      }
      return r;
    };
    bool started = false;
    auto shared = network.fetches->Fetch(
        absl::StrCat("lake:", store.dir().string(), "/", hash::Hex16(hash)), request, finish, nullptr, &started,
        options.force ? std::function<bool()>() : [target, hash, ext] { return target->Find(hash, ext).ok(); });
    flights.push_back({&w, shared, origin});
  }
  auto last_progress = std::chrono::steady_clock::now();
  for (auto& f : flights) {
    while (f.result.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
      if (options.cancelled && options.cancelled()) {
        for (auto& g : flights) {
          network.fetches->Cancel(absl::StrCat("lake:", store.dir().string(), "/", hash::Hex16(g.want->hash)));
        }
      }
      if (options.progress && std::chrono::steady_clock::now() - last_progress > std::chrono::milliseconds(200)) {
        options.progress(report, wanted.size());
        last_progress = std::chrono::steady_clock::now();
      }
    }
    const transfer::Result& r = f.result.get();
    const std::string label = Label(f.want->hash, f.want->missing_exts[0]);
    if (r.verdict == transfer::Verdict::kDelivered) {
      report.downloaded++;
      report.bytes += r.bytes;
      PlaceCopies(store, *f.want, options.user, &report);
      continue;
    }
    report.failed += f.want->missing_exts.size();
    std::string why = r.verdict == transfer::Verdict::kMiss
                          ? absl::StrCat("not found (status code: ", r.http_status, ")")
                          : (r.error.empty() ? transfer::VerdictName(r.verdict) : r.error);
    report.errors.push_back(absl::StrCat(label, ": ", why, " (", f.url, ")"));
  }
  std::lock_guard<std::mutex> lock(landed->mu);
  absl::Status synced = store.SyncDir();
  if (synced.ok()) synced = store.RecordAll(landed->infos, options.user, transfer::RedactUrl(service.reservoir ? service.api : service.artifact_endpoint));
  if (!synced.ok()) report.errors.push_back(absl::StrCat("recording the downloads: ", synced.message()));
  if (options.progress) options.progress(report, wanted.size());
  return report;
}

}  // namespace leancache::lake
