#include "daemon/index/memo_source_reader.h"

#include <time.h>

#include <algorithm>

#include "spdlog/spdlog.h"

namespace leancache::index {
namespace {

int64_t NowNs() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::string AbsolutePath(const std::filesystem::path& file) {
  std::error_code ec;
  std::filesystem::path abs = file.is_absolute() ? file : std::filesystem::absolute(file, ec);
  if (ec) abs = file;
  return abs.lexically_normal().string();
}

}  // namespace

MemoSourceReader::MemoSourceReader(Index* index, keys::SourceReader* inner, MemoOptions options)
    : index_(index), inner_(inner), options_(options) {}

MemoSourceReader::~MemoSourceReader() {
  if (absl::Status s = Flush(); !s.ok()) {
    spdlog::warn("saving the file-hash memo failed: {}", std::string(s.message()));
  }
}

bool MemoSourceReader::Racy(const FileStamp& stamp) const {
  int64_t newest = std::max(stamp.mtime_ns, stamp.ctime_ns);
  return NowNs() - newest < options_.racy_window.count();
}

std::optional<FileRecord> MemoSourceReader::Lookup(const std::string& path) {
  {
    std::lock_guard lock(mu_);
    auto it = pending_.find(path);
    if (it != pending_.end()) return it->second;
  }
  absl::StatusOr<std::optional<FileRecord>> stored = index_->GetFile(path);
  if (!stored.ok()) {
    if (!warned_.exchange(true)) {
      spdlog::warn("file-hash memo lookup failed, reading files directly: {}",
                   std::string(stored.status().message()));
    }
    return std::nullopt;
  }
  return *std::move(stored);
}

void MemoSourceReader::Remember(std::string path, FileRecord record) {
  bool flush = false;
  {
    std::lock_guard lock(mu_);
    pending_.insert_or_assign(std::move(path), std::move(record));
    flush = pending_.size() >= options_.flush_every;
  }
  if (flush) {
    if (absl::Status s = Flush(); !s.ok() && !warned_.exchange(true)) {
      spdlog::warn("saving the file-hash memo failed: {}", std::string(s.message()));
    }
  }
}

absl::StatusOr<keys::SourceInfo> MemoSourceReader::Read(const std::filesystem::path& file,
                                                       std::string_view module) {
  std::string path = AbsolutePath(file);
  absl::StatusOr<FileStamp> before = StatFile(path);
  if (before.ok()) {
    if (std::optional<FileRecord> known = Lookup(path); known && known->stamp == *before) {
      ++hits_;
      return keys::SourceInfo{known->content_hash, std::move(known->imports)};
    }
  }
  ++misses_;
  absl::StatusOr<keys::SourceInfo> info = inner_->Read(file, module);
  if (!info.ok() || !before.ok() || Racy(*before)) {
    ++not_memoised_;
    return info;
  }
  absl::StatusOr<FileStamp> after = StatFile(path);
  if (!after.ok() || *after != *before) {  // changed while we read it
    ++not_memoised_;
    return info;
  }
  Remember(std::move(path), FileRecord{*before, info->content_hash, info->imports});
  return info;
}

absl::StatusOr<uint64_t> MemoSourceReader::ContentHashOf(const std::filesystem::path& file) {
  return inner_->ContentHashOf(file);
}

absl::Status MemoSourceReader::Flush() {
  std::vector<std::pair<std::string, FileRecord>> batch;
  {
    std::lock_guard lock(mu_);
    if (pending_.empty()) return absl::OkStatus();
    batch.reserve(pending_.size());
    for (auto& entry : pending_) batch.emplace_back(entry.first, std::move(entry.second));
    pending_.clear();
  }
  ++flushes_;
  return index_->PutFiles(batch);
}

MemoSourceReader::Counters MemoSourceReader::counters() const {
  return Counters{hits_.load(), misses_.load(), not_memoised_.load(), flushes_.load()};
}

}  // namespace leancache::index
