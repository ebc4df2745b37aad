#pragma once
// Remembers the depHash of archive headers and of unpacked `.trace` files, keyed by the file's
// stat stamp, so deciding "already unpacked?" for 8 000 modules on a warm get costs two stat
// calls per module instead of opening, reading and parsing two files. A changed stamp (any
// write, rename or touch) means the file is read again.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace leancache::get {

class DepHashCache {
 public:
  // The header depHash of the archive at `path` (nullopt: unreadable or not an archive).
  std::optional<uint64_t> ArchiveDepHash(const std::filesystem::path& path);
  // The 16-hex-digit `depHash` of the trace at `path` (nullopt: missing, unparsable).
  std::optional<uint64_t> TraceDepHash(const std::filesystem::path& path);

 private:
  struct Stamp {
    ino_t inode = 0;
    off_t size = 0;
    int64_t mtime_ns = 0, ctime_ns = 0;
    bool operator==(const Stamp&) const = default;
  };
  struct Cached {
    Stamp stamp;
    std::optional<uint64_t> value;
  };
  template <typename ReadFn>
  std::optional<uint64_t> Get(const std::filesystem::path& path, ReadFn read);

  std::mutex mu_;
  std::unordered_map<std::string, Cached> entries_;
};

}  // namespace leancache::get
