// The "file source" the key graph reads modules through (spec: mathlib-cache.md §1.2, §2.2).
// The daemon plugs in a memoising implementation; FileSourceReader reads from disk.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace leancache::keys {

// What the key graph needs from one source file.
// `content_hash` = Hc (StringHash of the CRLF→LF text); `imports` = every import of the header
// (canonical module names), in source order, duplicates kept, including the implicit `Init`,
// before the package filter.
struct SourceInfo {
  uint64_t content_hash = 0;
  std::vector<std::string> imports;
};

class SourceReader {
 public:
  virtual ~SourceReader() = default;

  // Reads, hashes and parses one source file. `module` is used for error messages only.
  // Errors: the file cannot be read; it is not valid UTF-8; its header does not parse
  // ("{module}:{line}:{col}: {message}", Lean's format).
  virtual absl::StatusOr<SourceInfo> Read(const std::filesystem::path& file,
                                          std::string_view module) = 0;

  // Hc of a non-Lean input of the root hash (lakefile.lean, lean-toolchain,
  // lake-manifest.json). The default implementation reads the file from disk each time.
  // Errors name the file (unreadable, not valid UTF-8).
  virtual absl::StatusOr<uint64_t> ContentHashOf(const std::filesystem::path& file);
};

// Reads everything from disk, no caching. Stateless, so safe to share between threads.
class FileSourceReader final : public SourceReader {
 public:
  absl::StatusOr<SourceInfo> Read(const std::filesystem::path& file,
                                  std::string_view module) override;
};

// Hash and parse already-read file bytes (shared by FileSourceReader and memoising readers).
// `file` and `module` are for messages only.
absl::StatusOr<SourceInfo> AnalyzeSource(std::string_view bytes, const std::filesystem::path& file,
                                         std::string_view module);

// Hc of already-read bytes; errors name `file`.
absl::StatusOr<uint64_t> HashFileBytes(std::string_view bytes, const std::filesystem::path& file);

}  // namespace leancache::keys
