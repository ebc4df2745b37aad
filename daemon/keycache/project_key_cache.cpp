#include "daemon/keycache/project_key_cache.h"

#include <sys/stat.h>

#include <chrono>
#include <set>

namespace leancache::keycache {
namespace {

int64_t Nanos(const timespec& ts) { return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec; }

// Stamps younger than this are too fresh to trust (same-tick edits).
constexpr int64_t kRacyWindowNs = 1000000000;

}  // namespace

ProjectKeyCache::Stamp ProjectKeyCache::TakeStamp(const std::string& path) {
  Stamp s;
  s.path = path;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    s.exists = true;
    s.dev = st.st_dev;
    s.inode = st.st_ino;
    s.size = S_ISDIR(st.st_mode) ? 0 : st.st_size;
    s.mtime_ns = Nanos(st.st_mtim);
    s.ctime_ns = Nanos(st.st_ctim);
  }
  return s;
}

std::shared_ptr<const keys::KeyResult> ProjectKeyCache::Lookup(const CacheKey& key) {
  std::shared_ptr<const Entry> entry;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if ((*it)->key == key) {
        entry = *it;
        entries_.splice(entries_.begin(), entries_, it);
        break;
      }
    }
    if (!entry) {
      ++counters_.misses;
      return nullptr;
    }
  }
  // Nothing changed in the watched directories since the last validation: no stat needed.
  std::optional<uint64_t> generation;
  if (entry->watch) generation = entry->watch->TrustedGeneration();
  if (generation && *generation == entry->validated_generation.load()) {
    std::lock_guard<std::mutex> lock(mu_);
    ++counters_.hits;
    ++counters_.watch_hits;
    return entry->result;
  }
  // Validate without holding the lock: thousands of stat calls.
  for (const auto& recorded : entry->inputs) {
    if (!(TakeStamp(recorded.path) == recorded)) {
      std::lock_guard<std::mutex> lock(mu_);
      ++counters_.misses;
      entries_.remove(entry);
      return nullptr;
    }
  }
  // Valid as of `generation` (read before the stamps): later changes move the generation on.
  if (generation) entry->validated_generation.store(*generation);
  std::lock_guard<std::mutex> lock(mu_);
  ++counters_.hits;
  return entry->result;
}

void ProjectKeyCache::Store(const CacheKey& key, const workspace::Workspace& ws,
                            std::shared_ptr<const keys::KeyResult> result) {
  auto owned = std::make_shared<Entry>();
  Entry& entry = *owned;
  entry.key = key;
  entry.result = result;
  std::vector<std::string> paths;
  const auto& d = ws.mathlib_dir();
  for (const char* name : {"lakefile.lean", "lean-toolchain", "lake-manifest.json", "Cache/IO.lean"}) {
    paths.push_back((d / name).string());
  }
  paths.push_back((ws.root() / "lake-manifest.json").string());
  std::set<std::filesystem::path> search_dirs;
  for (const auto& search_entry : ws.search_path()) {
    paths.push_back(search_entry.dir.string());
    search_dirs.insert(search_entry.dir);
  }
  for (const auto& [module, m] : result->modules) paths.push_back(m.source.string());
  for (const auto& module : result->unhashed) {
    auto resolved = ws.ResolveModule(module);
    if (resolved.ok()) paths.push_back(resolved->source.string());
  }
  // Watch before stamping: a change after this point moves the generation.
  if (watches_ != nullptr) {
    auto dirs = watch::DirWatchHub::DirsCovering(paths);
    dirs.insert(search_dirs.begin(), search_dirs.end());  // their entries, not just themselves
    entry.watch = watches_->Watch(dirs);
    if (auto g = entry.watch->TrustedGeneration()) entry.validated_generation.store(*g);
  }
  entry.inputs.reserve(paths.size());
  for (const auto& path : paths) entry.inputs.push_back(TakeStamp(path));
  int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                    std::chrono::system_clock::now().time_since_epoch()).count();
  for (const auto& s : entry.inputs) {
    if (s.exists && (now - s.mtime_ns < kRacyWindowNs || now - s.ctime_ns < kRacyWindowNs)) {
      return;  // too fresh to trust; the next request recomputes (cheaply, via the memo)
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  entries_.remove_if([&key](const auto& e) { return e->key == key; });
  entries_.push_front(std::move(owned));
  while (entries_.size() > capacity_) entries_.pop_back();
}

ProjectKeyCache::Counters ProjectKeyCache::counters() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counters_;
}

}  // namespace leancache::keycache
