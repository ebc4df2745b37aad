// MemoSourceReader: a keys::SourceReader that remembers, per absolute path, what hashing learnt
// from a file (content hash + imports) together with the file's stamp (dev, inode, size, mtime,
// ctime in ns), in the index's `files` table. When the stamp is unchanged the remembered answer
// is returned without opening the file; otherwise the inner reader reads it and the new answer
// is recorded. So hashing an unchanged tree reads no file contents.
//
// Not remembered (the inner reader's answer is returned as is): files that cannot be stat'ed,
// errors, files whose stamp changed while being read, and "racy" files changed less than
// `racy_window` before they were stat'ed — an edit within the same filesystem timestamp tick
// would leave the stamp unchanged, so such files are re-read until they age.
//
// Thread-safe. New entries are buffered and written in one transaction per `flush_every`
// entries and on Flush() / destruction, so hashing thousands of files costs a few commits.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/keys/source_reader.h"
#include "daemon/index/index.h"

namespace leancache::index {

struct MemoOptions {
  // Buffered entries that trigger a write transaction.
  size_t flush_every = 4096;
  // Files whose mtime/ctime is this close to "now" are not remembered (see above). Kernel
  // timestamps are taken from a clock that ticks every 1–10 ms.
  std::chrono::nanoseconds racy_window = std::chrono::milliseconds(100);
};

class MemoSourceReader final : public keys::SourceReader {
 public:
  struct Counters {
    uint64_t hits = 0;        // answered from the memo
    uint64_t misses = 0;      // read through the inner reader
    uint64_t not_memoised = 0;  // of the misses: errors, racy or changing files
    uint64_t flushes = 0;     // write transactions
  };

  // `index` and `inner` must outlive this reader.
  MemoSourceReader(Index* index, keys::SourceReader* inner, MemoOptions options);
  MemoSourceReader(Index* index, keys::SourceReader* inner)
      : MemoSourceReader(index, inner, MemoOptions()) {}
  // Flushes; a failure is logged.
  ~MemoSourceReader() override;

  // As keys::SourceReader::Read. Index errors are logged and fall back to the inner reader.
  absl::StatusOr<keys::SourceInfo> Read(const std::filesystem::path& file,
                                        std::string_view module) override;
  // Delegated to the inner reader (root-hash inputs are few and small).
  absl::StatusOr<uint64_t> ContentHashOf(const std::filesystem::path& file) override;

  // Writes buffered entries in one transaction. On error they are dropped (the memo is only a
  // cache) and the error is returned.
  absl::Status Flush();

  Counters counters() const;

 private:
  bool Racy(const FileStamp& stamp) const;
  // Returns the remembered record of `path` (buffer first, then the index), if any.
  std::optional<FileRecord> Lookup(const std::string& path);
  void Remember(std::string path, FileRecord record);

  Index* index_;
  keys::SourceReader* inner_;
  MemoOptions options_;
  std::mutex mu_;
  absl::flat_hash_map<std::string, FileRecord> pending_;
  std::atomic<uint64_t> hits_{0}, misses_{0}, not_memoised_{0}, flushes_{0};
  std::atomic<bool> warned_{false};
};

}  // namespace leancache::index
