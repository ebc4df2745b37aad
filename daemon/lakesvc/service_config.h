#pragma once
// Settings of the loopback cache service for Lake, from the daemon's config.json key
// "lake_service" (every key optional):
//
//   "lake_service": {
//     "listen": "127.0.0.1:7878",                       // or `leancached --lake-http`
//     "upstream": { "artifact_endpoint": "https://cache.example/artifacts",
//                   "revision_endpoint": "https://cache.example/revisions" },   // read-through
//     "upload":   { "artifact_endpoint": "https://<acct>.r2.cloudflarestorage.com/b/artifacts",
//                   "revision_endpoint": "https://<acct>.r2.cloudflarestorage.com/b/revisions" },
//     "writes": "local"                                 // or "through"
//   }
//
// Endpoints are S3-style prefixes exactly as in Lake's `[[cache.service]] kind = "s3"`; Lake's
// scope path is appended. "upload" defaults to "upstream". "writes": "local" keeps accepted PUTs
// in the daemon's store only; "through" also PUTs them to the upload endpoints, signed with the
// registered key (SigV4, region auto), and answers 200 only when the upstream accepted them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace leancache::lakesvc {

// An S3-style service: artifact and revision endpoint prefixes, trailing '/' stripped.
struct Endpoints {
  std::string artifact;
  std::string revision;
  bool empty() const { return artifact.empty() && revision.empty(); }
};

enum class WriteMode { kLocal, kThrough };

// Where the service listens: only loopback IPv4 is accepted.
struct ListenAddress {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string ToString() const { return host + ":" + std::to_string(port); }
};

struct ServiceConfig {
  std::optional<ListenAddress> listen;  // none: the service is off unless --lake-http / systemd
  Endpoints upstream;                   // empty: no read-through
  Endpoints upload;                     // defaults to upstream
  WriteMode writes = WriteMode::kLocal;
};

// Parses "127.0.0.1:PORT" (PORT 1..65535). Anything but 127.0.0.1 is refused: the service has no
// TLS and authorises readers by their local uid, which only loopback connections reveal.
// Errors: InvalidArgument naming `what`.
absl::StatusOr<ListenAddress> ParseListenAddress(std::string_view text, std::string_view what);

// Parses the "lake_service" value (`where` names it in errors: "<config>: lake_service…").
// Errors: InvalidArgument for unknown keys, wrong types, non-http(s) endpoints, a bad "writes",
// or "writes": "through" without upload endpoints.
absl::StatusOr<ServiceConfig> ParseServiceConfig(const nlohmann::json& value, std::string_view where);

}  // namespace leancache::lakesvc
