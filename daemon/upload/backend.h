#pragma once
// Where and how `put`/`commit` upload (spec mathlib-cache.md §7, §8, §10): the backend chosen from
// the client's forwarded environment and options, the object URL of each archive, and the PUT
// request (headers and authentication) that sends it. Pure selection logic: no I/O.
//
// Secrets (the SAS query, bearer token, S3 secret/session token) live only in `Backend::sas` and
// `Backend::auth`; every URL and message this file produces for display is free of them.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "daemon/sources/container.h"
#include "daemon/sources/env_value.h"
#include "daemon/sources/message.h"
#include "daemon/transfer/request.h"
#include "daemon/transfer/session.h"

namespace leancache::upload {

enum class BackendKind {
  kAzure,  // Azure Blob: SAS query or OAuth bearer, x-ms-blob-type, If-None-Match
  kS3,     // S3/R2: SigV4 (`--backend=s3`, or MATHLIB_CACHE_S3_* set)
  kHttp,   // plain HTTP PUT to MATHLIB_CACHE_PUT_URL (e.g. WebDAV), optional bearer
};

// "azure", "s3", "http".
const char* BackendKindName(BackendKind kind);

// The command-line side of the selection.
struct UploadOptions {
  std::string repo = "leanprover-community/mathlib4";  // --repo (or detected)
  std::optional<std::string> container;                 // --container=NAME
  std::optional<std::string> scope;                     // resolved scope SHA (--scope / env)
  std::optional<std::string> backend;                   // --backend=azure|s3
};

// The chosen destination and its credentials.
struct Backend {
  BackendKind kind = BackendKind::kAzure;
  std::string repo;
  std::optional<sources::Container> container;  // nullopt: a user endpoint (PUT_URL)
  // The upload base: the container URL, or the user endpoint, without trailing '/'. No secrets.
  std::string base_url;
  std::optional<std::string> scope;
  // "(env override)" for a user endpoint, else the container name ("legacy", "master", ...).
  std::string container_label;
  std::string sas;        // secret: Azure SAS query string without '?', appended to every URL
  transfer::Auth auth;    // secret: bearer token or SigV4 credentials
  bool azure_bearer = false;  // Azure bearer: adds x-ms-version and x-ms-date
  // The request's network route (proxy/CA settings, circuit breaker, time budget), set on every
  // PUT; null: direct, default CAs.
  std::shared_ptr<transfer::Session> session;
  // Messages produced by the selection (the legacy-destination warning, on stderr).
  sources::Messages messages;
};

// The three stderr lines printed when neither MATHLIB_CACHE_PUT_URL nor --container is given and
// the upload falls back to the legacy container.
sources::Messages LegacyDestinationWarning();

// Chooses the backend from the forwarded environment `env` (never the daemon's own) and
// `options`, in this order:
//   1. S3 when options.backend == "s3", or (unless options.backend == "azure") any of
//      MATHLIB_CACHE_S3_{ACCESS_KEY_ID,SECRET_ACCESS_KEY,SESSION_TOKEN,REGION,TOKEN} is set;
//   2. Azure when options.backend == "azure" or MATHLIB_CACHE_AZURE_BEARER_TOKEN /
//      MATHLIB_CACHE_SAS is set (bearer wins);
//   3. plain HTTP when MATHLIB_CACHE_PUT_URL is set (bearer from MATHLIB_CACHE_PUT_BEARER_TOKEN,
//      a leancache extension);
//   4. otherwise the Azure missing-credentials error.
// Destination: MATHLIB_CACHE_PUT_URL (no container, label "(env override)"), else the container
// `--container=NAME` on MATHLIB_CACHE_PUT_BASE_URL (default: the Azure account), else legacy with
// LegacyDestinationWarning() in Backend::messages. S3 without PUT_URL or --container uploads to
// MATHLIB_CACHE_PUT_BASE_URL as a user endpoint.
// Errors (FailedPrecondition, exit 1; messages never contain a secret):
//   "environment variable MATHLIB_CACHE_AZURE_BEARER_TOKEN or MATHLIB_CACHE_SAS must be set to
//    upload caches";
//   "environment variables MATHLIB_CACHE_S3_ACCESS_KEY_ID and MATHLIB_CACHE_S3_SECRET_ACCESS_KEY
//    (or MATHLIB_CACHE_S3_TOKEN=KEY:SECRET) must be set to upload caches with --backend=s3";
//   "environment variables MATHLIB_CACHE_S3_ACCESS_KEY_ID and MATHLIB_CACHE_S3_SECRET_ACCESS_KEY
//    must be set together"; "environment variable MATHLIB_CACHE_S3_REGION must be set to upload
//    caches with --backend=s3"; "environment variable MATHLIB_CACHE_PUT_BASE_URL must be set
//    (https://host/bucket) to upload caches with --backend=s3";
//   "MATHLIB_CACHE_S3_TOKEN must have the form KEY:SECRET".
// InvalidArgument: unknown --backend or --container name, a scope that is not 1-64 hex digits.
absl::StatusOr<Backend> SelectBackend(const sources::Env& env, const UploadOptions& options);

// The display URL (no secrets) of archive `file_name` ("<hash16>.ltar"): §5.3/§7.1 file URL
// with the backend's repo/scope path policy.
std::string ArchiveUrl(const Backend& backend, std::string_view file_name);

// The commit-manifest URL "{base}/c/{sha}" (§8; never repo-namespaced). No secrets.
std::string CommitManifestUrl(const Backend& backend, std::string_view sha);

// The marker URL "{container URL}/m/{lower repo}/{sha}" (§7.1), or nullopt when the backend has
// no container (markers are only written with --container).
std::optional<std::string> MarkerUrlFor(const Backend& backend, std::string_view sha);

// RFC 1123 date for x-ms-date, e.g. "Sat, 21 Nov 2026 06:30:00 GMT".
std::string HttpDate(std::chrono::system_clock::time_point t);

// The PUT of `source_path` to `display_url` (from ArchiveUrl & co.) with the backend's headers
// and auth: Azure adds x-ms-blob-type (and x-ms-version/x-ms-date for bearer) and the SAS query;
// S3 signs with SigV4 (payload hash always sent). `if_none_match` sends If-None-Match: * and
// counts 409/412 as already present (plain HTTP and S3 too: nginx test config and S3/R2 honour
// it).
transfer::PutRequest MakePutRequest(const Backend& backend, std::string display_url,
                                    std::string source_path, bool if_none_match);

}  // namespace leancache::upload
