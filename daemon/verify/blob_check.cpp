#include "daemon/verify/blob_check.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/fs/fd.h"
#include "common/proc/process_state.h"
#include "daemon/store/blob_name.h"
#include "common/ltar/header.h"
#include "common/parallel/parallel_for.h"

namespace leancache::verify {
namespace {

// What one recorded archive turned out to be.
struct RecordResult {
  enum class State { kIntact, kCorrupt, kMissing, kGone } state = State::kIntact;
  std::string reason;
  uint64_t size = 0;
};

RecordResult CheckRecord(store::BlobStore& store, uint64_t key) {
  RecordResult out;
  absl::Status s = store.Verify(key);
  const std::string path = store.Path(key).string();
  struct stat st;
  const bool file_exists = ::stat(path.c_str(), &st) == 0;
  if (s.ok()) {
    out.size = file_exists ? static_cast<uint64_t>(st.st_size) : 0;
    return out;
  }
  if (absl::IsNotFound(s)) {
    // Either the file is gone, or the record vanished meanwhile (a concurrent clean/remove).
    out.state = file_exists ? RecordResult::State::kGone : RecordResult::State::kMissing;
    out.reason = "recorded in the index, but the file does not exist";
    return out;
  }
  if (absl::IsDataLoss(s)) {
    out.state = RecordResult::State::kCorrupt;
    // Verify's message starts with the path; keep only what follows it.
    std::string message(s.message());
    if (message.rfind(path + ": ", 0) == 0) message = message.substr(path.size() + 2);
    out.reason = message;
    return out;
  }
  out.state = RecordResult::State::kMissing;
  out.reason = absl::StrCat("cannot be read: ", s.message());
  return out;
}

// "" if the file is a plausible archive (non-empty with an ltar header), else why not.
std::string WhyUnusable(const std::filesystem::path& path) {
  fs::Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return absl::StrCat("cannot be opened: ", strerror(errno));
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return absl::StrCat("cannot be read: ", strerror(errno));
  if (st.st_size == 0) return "empty file";
  absl::StatusOr<ltar::Header> header = ltar::ReadHeader(fd.get(), path.string());
  if (!header.ok()) return std::string(header.status().message());
  return "";
}

}  // namespace

const char* BlobProblemKindName(BlobProblem::Kind kind) {
  switch (kind) {
    case BlobProblem::Kind::kCorrupt: return "corrupt";
    case BlobProblem::Kind::kMissing: return "missing";
    case BlobProblem::Kind::kUnusable: return "unusable";
  }
  return "?";
}

size_t CacheDirReport::unresolved() const {
  return static_cast<size_t>(
      std::count_if(problems.begin(), problems.end(), [](const BlobProblem& p) { return !p.repaired; }));
}

bool IsOrphanedTempFile(const std::string& name) {
  if (!store::IsPartialFileName(name)) return false;
  // Components after "<hash16>.ltar": ours are "<pid>.<random>.part", Mathlib's "<pid>.part".
  std::vector<std::string> parts = absl::StrSplit(name, '.');
  if (parts.size() < 4 || parts[1] != "ltar") return false;
  int pid = 0;
  if (!absl::SimpleAtoi(parts[2], &pid) || pid <= 0) return false;
  return pid != ::getpid() && proc::ProcessEnded(pid);
}

absl::StatusOr<CacheDirReport> CheckCacheDir(store::BlobStore& store, const CheckOptions& options) {
  CacheDirReport report;
  report.dir = store.dir();
  auto cancelled = [&] { return options.cancelled && options.cancelled(); };

  absl::StatusOr<std::vector<uint64_t>> recorded = store.ListKeys();
  if (!recorded.ok()) return recorded.status();
  report.recorded = recorded->size();

  // Directory contents: archive names and temp files.
  std::vector<uint64_t> on_disk;
  std::error_code ec;
  std::filesystem::directory_iterator it(store.dir(), ec);
  if (ec) return fs::ErrnoError(ec.value(), absl::StrCat("list ", store.dir().string()));
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (ec) return fs::ErrnoError(ec.value(), absl::StrCat("list ", store.dir().string()));
    const std::string name = it->path().filename().string();
    if (std::optional<uint64_t> key = store::ParseBlobFileName(name)) {
      on_disk.push_back(*key);
    } else if (store::IsPartialFileName(name)) {
      (IsOrphanedTempFile(name) ? report.temp_orphaned : report.temp_live).push_back(it->path());
    }
  }
  std::sort(report.temp_live.begin(), report.temp_live.end());
  std::sort(report.temp_orphaned.begin(), report.temp_orphaned.end());

  // Recorded archives, hashed in parallel.
  std::vector<RecordResult> results(recorded->size());
  const bool finished = parallel::ParallelFor(results.size(), std::max(1u, options.threads), [&](size_t i) {
    if (cancelled()) return false;
    results[i] = CheckRecord(store, (*recorded)[i]);
    return true;
  });
  if (!finished) return absl::CancelledError("verify cancelled");

  for (size_t i = 0; i < results.size(); ++i) {
    const uint64_t key = (*recorded)[i];
    const RecordResult& r = results[i];
    if (r.state == RecordResult::State::kIntact) {
      ++report.intact;
      report.bytes_checked += r.size;
      continue;
    }
    if (r.state == RecordResult::State::kGone) continue;  // removed while we looked
    BlobProblem p;
    p.kind = r.state == RecordResult::State::kCorrupt ? BlobProblem::Kind::kCorrupt : BlobProblem::Kind::kMissing;
    p.path = store.Path(key);
    p.reason = r.reason;
    if (options.repair) p.repaired = store.Remove(key).ok();
    report.problems.push_back(std::move(p));
  }

  // Archive files the index does not know.
  std::set<uint64_t> known(recorded->begin(), recorded->end());
  std::sort(on_disk.begin(), on_disk.end());
  for (uint64_t key : on_disk) {
    if (known.count(key)) continue;
    if (cancelled()) return absl::CancelledError("verify cancelled");
    std::filesystem::path path = store.Path(key);
    std::string why = WhyUnusable(path);
    if (why.empty()) {
      report.unrecorded.push_back(path);
      if (options.repair && store.Has(key)) ++report.unrecorded_indexed;
      continue;
    }
    BlobProblem p;
    p.kind = BlobProblem::Kind::kUnusable;
    p.path = path;
    p.reason = absl::StrCat("not recorded in the index and not an archive: ", why);
    if (options.repair) p.repaired = ::unlink(path.c_str()) == 0 || errno == ENOENT;
    report.problems.push_back(std::move(p));
  }

  if (options.repair) {
    for (const auto& path : report.temp_orphaned) {
      if (::unlink(path.c_str()) == 0) ++report.temp_removed;
    }
  }
  return report;
}

}  // namespace leancache::verify
