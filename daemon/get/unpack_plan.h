#pragma once
// Where a module's archive unpacks to, and whether it needs unpacking at all (spec §4, §6.3).
//
// Base directory: archives hold paths relative to the root of the project they were packed in.
// Modules of the Mathlib package (Mathlib, Archive, Counterexamples, ...: package dir D) unpack
// into D — the dependency checkout when run downstream; every other package's archive holds
// `.lake/packages/<pkg>/...` paths and unpacks into the project root.
//
// Skip rule (§6.3, unless forced): the archive's header depHash equals the `depHash` (16 hex
// digits) of the module's existing `.trace`. On top of that we fix the stale-artifact pitfall
// (#42660): the project records the root hash of its last unpack in
// `.lake/build/.mathlib-cache-roothash`; when it differs (or is absent) every module is unpacked.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "common/keys/key_graph.h"
#include "daemon/get/dep_hash_cache.h"

namespace leancache::get {

// The base directory the archive of `entry` unpacks into.
std::filesystem::path UnpackBase(const keys::ModuleEntry& entry,
                                 const std::filesystem::path& project_root,
                                 const std::filesystem::path& mathlib_dir);

// The module's `.trace` under its package's build directory.
std::filesystem::path TracePath(const keys::ModuleEntry& entry);

// True when the module is already unpacked: the archive's header and the module's trace agree
// on the depHash. Any read or parse failure means "needs unpacking". `cache` remembers both
// values by file stamp.
bool AlreadyUnpacked(const std::filesystem::path& archive, const keys::ModuleEntry& entry,
                     DepHashCache& cache);

// "<project>/.lake/build/.mathlib-cache-roothash".
std::filesystem::path RootHashRecordPath(const std::filesystem::path& project_root);
// The recorded root hash, if the record exists and parses (16 hex digits).
std::optional<uint64_t> ReadRootHashRecord(const std::filesystem::path& project_root);
// Writes the record atomically (temp + rename).
absl::Status WriteRootHashRecord(const std::filesystem::path& project_root, uint64_t root_hash);

}  // namespace leancache::get
