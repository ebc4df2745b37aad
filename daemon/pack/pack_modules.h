#pragma once
// Packing the modules of a project into CACHEDIR (spec §6.2): one `<hash16>.ltar` per module
// whose required build outputs exist, written in parallel, atomically (temp file + rename), each
// with the comment `git=mathlib4@<sha>`.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "common/keys/key_graph.h"

namespace leancache::store {
class BlobStore;
}

namespace leancache::pack {

struct PackOptions {
  bool force = false;          // pack!/put!/stage!: repack even if the archive exists
  bool unpacked_only = false;  // put-unpacked/stage: list only the newly packed archives
  std::string git_sha;         // HEAD sha for the comment; empty: no comment
  unsigned threads = 0;        // 0: hardware_concurrency
  // Optional: archives are admitted through it (TempPathFor + Adopt), and its Has() decides
  // "already packed". Without it, an existing file with a valid ltar header counts as packed.
  store::BlobStore* store = nullptr;
  // Polled between modules; when it returns true the remaining modules are not packed and
  // PackModules returns Cancelled.
  std::function<bool()> cancelled;
};

struct PackedArchive {
  std::string source_display;  // the module's source path string ("./Mathlib/X.lean")
  std::string module;
  uint64_t key = 0;
  std::string archive;         // "<hash16>.ltar"
  bool newly_packed = false;
};

struct PackReport {
  // Newly packed archives, plus the pre-existing ones unless unpacked_only; sorted by source
  // path string (the order of the verbose `packing … as …` lines).
  std::vector<PackedArchive> archives;
  size_t packed = 0;        // newly written
  size_t existing = 0;      // skipped because already in CACHEDIR
  size_t not_packable = 0;  // a required file is missing (skipped silently)
};

// The comment stored in every archive: "git=mathlib4@<sha>".
std::string GitComment(const std::string& sha);

// Packs each module of `scope` (name → entry) into `cache_dir` (created if missing).
// `project_root` and `mathlib_dir` are the workspace's root and D (see archive_plan.h).
// Errors: the first packing error (naming the archive and file), Cancelled, or a failure to
// create `cache_dir`. Archives written before an error stay (each one is complete).
absl::StatusOr<PackReport> PackModules(
    const std::vector<const std::pair<const std::string, keys::ModuleEntry>*>& scope,
    const std::filesystem::path& project_root, const std::filesystem::path& mathlib_dir,
    const std::filesystem::path& cache_dir, const PackOptions& options);

}  // namespace leancache::pack
