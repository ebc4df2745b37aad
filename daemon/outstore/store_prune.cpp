#include "daemon/outstore/store_prune.h"

#include <sys/stat.h>
#include <cerrno>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/fs/fd.h"
#include "common/proc/process_state.h"

namespace leancache::outstore {
namespace {

constexpr auto kTempMaxAge = std::chrono::hours(24);

struct Listed {
  std::string name;
  uint64_t bytes = 0;
  int64_t used_ns = 0;  // directory mtime
};

absl::StatusOr<std::vector<Listed>> ListEntries(OutputStore& store) {
  std::vector<Listed> out;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(store.ObjectsDir(), ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (!IsEntryName(name)) continue;
    Listed l{name, 0, 0};
    if (auto entry = ReadEntry(it->path()); entry.ok()) l.bytes = entry->bytes;
    struct stat st;
    if (::stat(it->path().c_str(), &st) == 0) {
      l.used_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    }
    out.push_back(std::move(l));
  }
  if (ec) return fs::ErrnoError(ec.value(), absl::StrCat("read directory ", store.ObjectsDir().string()));
  return out;
}

// The pid in a tmp/ name "<anything>.<pid>.<counter>", or -1.
pid_t TempOwner(const std::string& name) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '.');
  int pid = 0;
  if (parts.size() < 3 || !absl::SimpleAtoi(parts[parts.size() - 2], &pid) || pid <= 0) return -1;
  return static_cast<pid_t>(pid);
}

}  // namespace

absl::StatusOr<StoreUsage> CountUsage(OutputStore& store) {
  auto listed = ListEntries(store);
  if (!listed.ok()) return listed.status();
  StoreUsage usage;
  for (const auto& l : *listed) {
    ++usage.entries;
    usage.bytes += l.bytes;
  }
  return usage;
}

absl::StatusOr<uint64_t> RemoveEntry(OutputStore& store, const std::string& sha_hex) {
  static std::atomic<uint64_t> counter{0};
  const auto dir = store.ObjectsDir() / sha_hex;
  auto entry = ReadEntry(dir);
  const uint64_t bytes = entry.ok() ? entry->bytes : 0;
  const auto trash = store.TempDir() / absl::StrCat("trash-", sha_hex, ".", ::getpid(), ".", counter.fetch_add(1));
  if (::rename(dir.c_str(), trash.c_str()) != 0) {
    if (errno == ENOENT) return 0;
    return fs::ErrnoError(errno, absl::StrCat("remove ", dir.string()));
  }
  std::error_code ec;
  std::filesystem::remove_all(trash, ec);  // what stays behind is swept later
  store.AddKnownBytes(-static_cast<int64_t>(bytes));
  return bytes;
}

absl::StatusOr<PruneReport> Prune(OutputStore& store, const std::function<bool(const std::string&)>& drop,
                                  uint64_t target_bytes) {
  SweepTemps(store);
  auto listed = ListEntries(store);
  if (!listed.ok()) return listed.status();
  PruneReport report;
  std::vector<Listed> kept;
  auto remove = [&](const Listed& l) {
    auto removed = RemoveEntry(store, l.name);
    if (!removed.ok()) return false;
    ++report.entries;
    report.bytes += l.bytes;
    return true;
  };
  for (auto& l : *listed) {
    if (drop && drop(l.name) && remove(l)) continue;
    kept.push_back(std::move(l));
  }
  uint64_t total = 0;
  for (const auto& l : kept) total += l.bytes;
  std::sort(kept.begin(), kept.end(), [](const Listed& a, const Listed& b) { return a.used_ns < b.used_ns; });
  size_t next = 0;
  while (total > target_bytes && next < kept.size()) {
    if (remove(kept[next])) total -= kept[next].bytes;
    ++next;
  }
  report.left.entries = kept.size() - std::min(next, kept.size());
  report.left.bytes = total;
  store.ResetKnownBytes();
  return report;
}

size_t SweepTemps(OutputStore& store) {
  size_t removed = 0;
  const auto now = std::filesystem::file_time_type::clock::now();
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(store.TempDir(), ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const pid_t owner = TempOwner(name);
    std::error_code tec;
    const auto mtime = std::filesystem::last_write_time(it->path(), tec);
    const bool old = !tec && now - mtime > kTempMaxAge;
    const bool dead = owner > 0 && owner != ::getpid() && proc::ProcessEnded(owner);
    if (!dead && !old && owner > 0) continue;
    std::error_code rec;
    if (std::filesystem::remove_all(it->path(), rec) > 0) ++removed;
  }
  return removed;
}

}  // namespace leancache::outstore
