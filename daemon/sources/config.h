#pragma once
// The daemon's own settings file (not per-request): mirrors for `get`, host overrides and a few
// daemon limits.
//
// Location: $XDG_CONFIG_HOME/leancache/config.json, else $HOME/.config/leancache/config.json.
// Format (every key optional; unknown top-level keys are kept in `extra` for other components):
//   {
//     "mirrors": [ {"url": "https://mirror.example/mathlib", "mode": "prepend"} ],
//     "hosts": { "public": "https://cache.mathlib.org",
//                "containers": "https://lakecache.blob.core.windows.net" },
//     "max_parallel_downloads": 32,
//     "max_cache_size": "50G",             // or a plain integer; 0 = no cap
//     "proxy": "http://user:pass@proxy:3128", // for every URL, like ALL_PROXY
//     "no_proxy": "localhost,.internal",     // hosts that bypass the proxy
//     "ca_bundle": "/etc/ssl/private-ca.pem", // PEM bundle instead of the system store
//     "ca_path": "/etc/ssl/certs",           // directory of hashed CA certificates
//     "request_timeout": 10800               // total seconds one request may spend downloading
//   }
// The network keys are the daemon's defaults (a system or socket-activated daemon sees no user
// environment): a request's forwarded http_proxy/https_proxy/ALL_PROXY, no_proxy, CURL_CA_BUNDLE/
// SSL_CERT_FILE/SSL_CERT_DIR and LEANCACHE_REQUEST_TIMEOUT win over them (network_session.h).
// "cache_size_cap_bytes" is accepted as another name for "max_cache_size". A request's
// LEANCACHE_MAX_CACHE_SIZE (same syntax) overrides it for that request (EffectiveCacheCap).
// A mirror serves the flat layout `{url}/f/{hash16}.ltar`. mode: "prepend" (tried before the
// normal chain; the default), "append" (tried after it) or "replace" (the replace mirrors are the
// whole chain instead of the environment/repo-based rounds).

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace leancache::sources {

enum class MirrorMode { kPrepend, kAppend, kReplace };

struct Mirror {
  std::string url;  // http(s):// or file:// base URL, trailing '/' stripped
  MirrorMode mode = MirrorMode::kPrepend;
};

struct Config {
  static constexpr std::string_view kDefaultPublicHost = "https://cache.mathlib.org";
  static constexpr std::string_view kDefaultContainerHost =
      "https://lakecache.blob.core.windows.net";

  std::vector<Mirror> mirrors;  // in file order
  // Host of the `master` container (the public cache resolver, Sept 2026 ->).
  std::string public_host{kDefaultPublicHost};
  // Host of every other container (forks, nightly-testing, pr-toolchain-tests, legacy).
  std::string container_host{kDefaultContainerHost};
  uint32_t max_parallel_downloads = 32;  // 1..1024
  uint64_t cache_size_cap_bytes = 0;     // 0 = unlimited
  std::string proxy;                     // "" = none
  std::string no_proxy;
  std::string ca_bundle;                 // "" = the system store
  std::string ca_path;
  uint32_t request_timeout_seconds = 10800;  // 1..604800
  nlohmann::json extra = nlohmann::json::object();  // unknown top-level keys, untouched

  std::filesystem::path source;  // the file it came from; empty for defaults
};

// The config file path for the environment `env` (pass the daemon's own environment here): see
// above. Errors: NotFound when neither XDG_CONFIG_HOME nor HOME is set (non-empty).
absl::StatusOr<std::filesystem::path> ConfigFilePath(const std::map<std::string, std::string>& env);

// Parses the JSON text of a config file. `path` only names the file in errors, which are
// InvalidArgument "{path}: …" (bad JSON, wrong types, bad mirror mode/URL, out-of-range numbers).
absl::StatusOr<Config> ParseConfig(std::string_view json_text, const std::filesystem::path& path);

// Loads `path`. A missing file gives the defaults (`source` empty); an unreadable or invalid file
// is an error naming it.
absl::StatusOr<Config> LoadConfig(const std::filesystem::path& path);

// A byte count: "<digits>[K|M|G|T][i][B]" (powers of 1024, case-insensitive), e.g. "20G",
// "512MiB", "1048576". InvalidArgument naming `what` when it does not parse or overflows.
absl::StatusOr<uint64_t> ParseByteSize(std::string_view text, std::string_view what);

// The cache size cap for a request with forwarded environment `env`: LEANCACHE_MAX_CACHE_SIZE
// when set and non-empty, else the config's cap (0 = none). InvalidArgument for a bad value.
absl::StatusOr<uint64_t> EffectiveCacheCap(const Config& config, const std::map<std::string, std::string>& env);

// "prepend" | "append" | "replace".
std::string_view MirrorModeName(MirrorMode mode);

}  // namespace leancache::sources
