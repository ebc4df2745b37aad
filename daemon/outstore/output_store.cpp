#include "daemon/outstore/output_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <algorithm>
#include <mutex>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/fs/atomic_file.h"
#include "common/fs/confined_path.h"
#include "common/fs/fd.h"
#include "common/ltar/unpacker.h"
#include "daemon/outstore/store_prune.h"

namespace leancache::outstore {
namespace {

constexpr absl::string_view kListMagic = "leancache-outstore 1";
constexpr uint64_t kMaxListBytes = 1 << 20;

std::string ListText(const Entry& entry) {
  std::string text = absl::StrCat(kListMagic, "\n", entry.bytes, "\n");
  for (const auto& f : entry.files) absl::StrAppend(&text, f, "\n");
  return text;
}

}  // namespace

bool IsEntryName(std::string_view name) {
  if (name.size() != 64) return false;
  for (char c : name) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

absl::StatusOr<Entry> ReadEntry(const std::filesystem::path& dir) {
  auto text = fs::ReadFile((dir / "list").string(), kMaxListBytes);
  if (!text.ok()) return text.status();
  std::vector<absl::string_view> lines = absl::StrSplit(*text, '\n', absl::SkipEmpty());
  Entry entry;
  entry.dir = dir;
  if (lines.size() < 3 || lines[0] != kListMagic || !absl::SimpleAtoi(lines[1], &entry.bytes)) {
    return absl::DataLossError(absl::StrCat(dir.string(), "/list: not an output store list"));
  }
  for (size_t i = 2; i < lines.size(); ++i) {
    if (!fs::SplitSafeRelativePath(std::string(lines[i])).ok()) {
      return absl::DataLossError(absl::StrCat(dir.string(), "/list: unsafe path '", lines[i], "'"));
    }
    entry.files.emplace_back(lines[i]);
  }
  return entry;
}

absl::StatusOr<OutputStore*> OutputStore::At(const std::filesystem::path& root) {
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<OutputStore>> stores;  // live as long as the process
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = stores[root.lexically_normal().string()];
  if (!slot) {
    for (const auto& d : {root / "objects", root / "tmp"}) {
      if (auto st = fs::MakeDirs(d.string()); !st.ok()) return st;
    }
    slot.reset(new OutputStore(root.lexically_normal()));
  }
  return slot.get();
}

absl::StatusOr<Entry> OutputStore::Find(const std::string& sha_hex) {
  if (!IsEntryName(sha_hex)) return absl::InvalidArgumentError(absl::StrCat("bad entry name '", sha_hex, "'"));
  auto dir = ObjectsDir() / sha_hex;
  auto entry = ReadEntry(dir);
  if (entry.ok()) (void)::utimensat(AT_FDCWD, dir.c_str(), nullptr, 0);  // LRU: used now
  return entry;
}

absl::StatusOr<Entry> OutputStore::Ensure(const std::filesystem::path& archive, const std::string& sha_hex) {
  auto found = Find(sha_hex);
  if (found.ok() || !absl::IsNotFound(found.status())) {
    if (found.ok()) return found;
    // A damaged entry: move it out of the way and build it again.
    if (auto removed = RemoveEntry(*this, sha_hex); !removed.ok()) return removed.status();
  }
  return Build(archive, sha_hex);
}

absl::StatusOr<Entry> OutputStore::Build(const std::filesystem::path& archive, const std::string& sha_hex) {
  static std::atomic<uint64_t> counter{0};
  const auto temp = TempDir() / absl::StrCat(sha_hex, ".", ::getpid(), ".", counter.fetch_add(1));
  const auto files = temp / "files";
  if (auto st = fs::MakeDirs(files.string()); !st.ok()) return st;
  auto cleanup = [&temp] {
    std::error_code ec;
    std::filesystem::remove_all(temp, ec);
  };
  ltar::UnpackOptions options;
  options.force = true;
  options.file_mode = 0444;  // nothing may write into the store
  auto unpacked = ltar::UnpackArchiveFile(archive.string(), {files.string()}, options);
  if (!unpacked.ok()) {
    cleanup();
    return unpacked.status();
  }
  // The unpacker resolves the base with realpath; entries are stored relative to it.
  std::error_code ec;
  const std::string base = std::filesystem::canonical(files, ec).string() + "/";
  Entry entry;
  entry.dir = ObjectsDir() / sha_hex;
  const auto& written = unpacked->written;  // the trace first (it was renamed last)
  for (size_t i = 0; i < written.size(); ++i) {
    const std::string& path = written[(i + 1) % written.size()];  // ... and placed last
    if (ec || path.compare(0, base.size(), base) != 0) {
      cleanup();
      return absl::InternalError(absl::StrCat("unpacked file ", path, " is outside ", base));
    }
    entry.files.push_back(path.substr(base.size()));
    struct stat st;
    if (::stat(path.c_str(), &st) == 0) entry.bytes += static_cast<uint64_t>(st.st_size);
  }
  auto list = fs::AtomicFile::Create((temp / "list").string(), fs::AtomicFile::Options{0444, false});
  absl::Status st = list.ok() ? list->Write(ListText(entry)) : list.status();
  if (st.ok()) st = list->Commit();
  if (!st.ok()) {
    cleanup();
    return st;
  }
  if (::rename(temp.c_str(), entry.dir.c_str()) != 0) {
    // Another request built the same entry meanwhile: use that one.
    cleanup();
    return Find(sha_hex);
  }
  AddKnownBytes(static_cast<int64_t>(entry.bytes));
  return entry;
}

uint64_t OutputStore::KnownBytes() {
  int64_t bytes = known_bytes_.load();
  if (bytes >= 0) return static_cast<uint64_t>(bytes);
  auto usage = CountUsage(*this);
  int64_t counted = usage.ok() ? static_cast<int64_t>(usage->bytes) : 0;
  int64_t expected = -1;
  known_bytes_.compare_exchange_strong(expected, counted);
  return static_cast<uint64_t>(known_bytes_.load());
}

void OutputStore::AddKnownBytes(int64_t delta) {
  int64_t cur = known_bytes_.load();
  while (cur >= 0 && !known_bytes_.compare_exchange_weak(cur, std::max<int64_t>(0, cur + delta))) {
  }
}

void OutputStore::ResetKnownBytes() { known_bytes_.store(-1); }

}  // namespace leancache::outstore
