#pragma once
// Whether and where a request uses the output store (output_store.h).
//
// Mode: the request's LEANCACHE_OUTPUT_STORE, else the config key "output_store":
//   "auto" (default) — use the store for a project only when the store and the project's build
//                      directory can share extents (a reflink probe succeeds: xfs with
//                      reflink=1, btrfs, bcachefs...). There a second project costs almost no
//                      time or space; elsewhere it would double the disk use of every project.
//   "on"             — always (placement falls back to copying where reflinks fail).
//   "off"            — never: archives are unpacked into the project directly.
// Root: LEANCACHE_OUTPUT_STORE_DIR, else "output_store_dir", else
// $XDG_CACHE_HOME/leancache/outputs, else $HOME/.cache/leancache/outputs.

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace leancache::outstore {

enum class StoreMode { kAuto, kOn, kOff };

struct StoreSettings {
  StoreMode mode = StoreMode::kAuto;
  std::filesystem::path root;  // empty when no root can be derived (mode is then kOff)
};

// Reads the settings from the config file's extra keys and the forwarded environment.
// Errors: InvalidArgument for a bad mode or a relative directory, naming the setting.
absl::StatusOr<StoreSettings> ResolveStoreSettings(const nlohmann::json& config_extra,
                                                   const std::map<std::string, std::string>& env);

// True if a file in `store_root` can be reflinked into `target_dir` (both existing
// directories). Probed once per pair of file systems (st_dev) and remembered.
bool ReflinkWorks(const std::filesystem::path& store_root, const std::filesystem::path& target_dir);

}  // namespace leancache::outstore
