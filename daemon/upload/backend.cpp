#include "daemon/upload/backend.h"

#include <ctime>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace leancache::upload {
namespace {

using sources::NonEmptyEnv;

constexpr char kAzureMissing[] =
    "environment variable MATHLIB_CACHE_AZURE_BEARER_TOKEN or MATHLIB_CACHE_SAS must be set to "
    "upload caches";
constexpr char kS3Missing[] =
    "environment variables MATHLIB_CACHE_S3_ACCESS_KEY_ID and MATHLIB_CACHE_S3_SECRET_ACCESS_KEY "
    "(or MATHLIB_CACHE_S3_TOKEN=KEY:SECRET) must be set to upload caches with --backend=s3";
constexpr char kS3Together[] =
    "environment variables MATHLIB_CACHE_S3_ACCESS_KEY_ID and MATHLIB_CACHE_S3_SECRET_ACCESS_KEY "
    "must be set together";
constexpr char kS3Region[] =
    "environment variable MATHLIB_CACHE_S3_REGION must be set to upload caches with --backend=s3";
constexpr char kS3Base[] =
    "environment variable MATHLIB_CACHE_PUT_BASE_URL must be set (https://host/bucket) to upload "
    "caches with --backend=s3";
constexpr char kAzureVersion[] = "2026-02-06";

bool IsHexScope(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool AnyS3Variable(const sources::Env& env) {
  for (const char* name :
       {"MATHLIB_CACHE_S3_ACCESS_KEY_ID", "MATHLIB_CACHE_S3_SECRET_ACCESS_KEY",
        "MATHLIB_CACHE_S3_SESSION_TOKEN", "MATHLIB_CACHE_S3_REGION", "MATHLIB_CACHE_S3_TOKEN"}) {
    if (NonEmptyEnv(env, name)) return true;
  }
  return false;
}

// Fills the destination (container, base URL, label, legacy warning) of `backend`.
absl::Status SetDestination(const sources::Env& env, const UploadOptions& options,
                            Backend& backend) {
  if (auto put_url = NonEmptyEnv(env, "MATHLIB_CACHE_PUT_URL")) {
    backend.container.reset();
    backend.base_url = sources::StripTrailingSlashes(*put_url);
    backend.container_label = "(env override)";
    return absl::OkStatus();
  }
  std::string host(sources::kAzureHost);
  if (auto base = NonEmptyEnv(env, "MATHLIB_CACHE_PUT_BASE_URL")) {
    host = sources::StripTrailingSlashes(*base);
  }
  if (options.container) {
    auto c = sources::ParseContainerName(*options.container);
    if (!c) {
      return absl::InvalidArgumentError(absl::StrCat("Unknown container name in --container=",
                                                     *options.container, ".\nKnown containers: ",
                                                     sources::KnownContainerList(), "."));
    }
    backend.container = *c;
    backend.base_url = sources::ContainerUrl(*c, host);
    backend.container_label = std::string(sources::ContainerName(*c));
    return absl::OkStatus();
  }
  if (backend.kind == BackendKind::kS3) {
    // The bucket URL itself is the endpoint (Cloudflare-era layout {bucket}/f/...).
    backend.container.reset();
    backend.base_url = host;
    backend.container_label = "(env override)";
    return absl::OkStatus();
  }
  backend.container = sources::Container::kLegacy;
  backend.base_url = sources::ContainerUrl(sources::Container::kLegacy, host);
  backend.container_label = std::string(sources::ContainerName(sources::Container::kLegacy));
  for (auto& m : LegacyDestinationWarning()) backend.messages.push_back(std::move(m));
  return absl::OkStatus();
}

absl::Status SetS3Credentials(const sources::Env& env, Backend& backend) {
  auto key = NonEmptyEnv(env, "MATHLIB_CACHE_S3_ACCESS_KEY_ID");
  auto secret = NonEmptyEnv(env, "MATHLIB_CACHE_S3_SECRET_ACCESS_KEY");
  auto token = NonEmptyEnv(env, "MATHLIB_CACHE_S3_TOKEN");
  transfer::AwsSigV4 sig;
  bool legacy_token = false;
  if (key.has_value() != secret.has_value()) return absl::FailedPreconditionError(kS3Together);
  if (key) {
    sig.access_key_id = *key;
    sig.secret_access_key = *secret;
  } else if (token) {
    auto colon = token->find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == token->size()) {
      return absl::FailedPreconditionError("MATHLIB_CACHE_S3_TOKEN must have the form KEY:SECRET");
    }
    sig.access_key_id = token->substr(0, colon);
    sig.secret_access_key = token->substr(colon + 1);
    legacy_token = true;
  } else {
    return absl::FailedPreconditionError(kS3Missing);
  }
  if (auto session = NonEmptyEnv(env, "MATHLIB_CACHE_S3_SESSION_TOKEN")) {
    sig.session_token = *session;
  }
  auto region = NonEmptyEnv(env, "MATHLIB_CACHE_S3_REGION");
  if (!region) {
    if (!legacy_token) return absl::FailedPreconditionError(kS3Region);
    region = "auto";  // the Cloudflare era signed with aws:amz:auto:s3
  }
  if (!NonEmptyEnv(env, "MATHLIB_CACHE_PUT_BASE_URL") &&
      !NonEmptyEnv(env, "MATHLIB_CACHE_PUT_URL")) {
    return absl::FailedPreconditionError(kS3Base);
  }
  sig.provider = absl::StrCat("aws:amz:", *region, ":s3");
  sig.unsigned_payload = false;  // sign the body's SHA-256 (the transport sends the header)
  backend.auth.sigv4 = std::move(sig);
  return absl::OkStatus();
}

}  // namespace

const char* BackendKindName(BackendKind kind) {
  switch (kind) {
    case BackendKind::kAzure: return "azure";
    case BackendKind::kS3: return "s3";
    case BackendKind::kHttp: return "http";
  }
  return "?";
}

sources::Messages LegacyDestinationWarning() {
  return {
      sources::Stderr("Warning: neither MATHLIB_CACHE_PUT_URL nor --container is set;"),
      sources::Stderr("uploading to the legacy container (mathlib4). Pass --container=NAME to"),
      sources::Stderr("upload to one of: " + sources::KnownContainerList() + "."),
  };
}

absl::StatusOr<Backend> SelectBackend(const sources::Env& env, const UploadOptions& options) {
  Backend backend;
  backend.repo = options.repo;
  if (options.backend && *options.backend != "azure" && *options.backend != "s3") {
    return absl::InvalidArgumentError(absl::StrCat("unknown --backend=", *options.backend,
                                                   " (expected azure or s3)"));
  }
  std::optional<std::string> scope = options.scope;
  if (!scope) scope = NonEmptyEnv(env, "MATHLIB_CACHE_REPO_SCOPE");
  if (scope) {
    if (!IsHexScope(*scope)) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid scope '", *scope, "': expected 1 to 64 hexadecimal digits"));
    }
    backend.scope = absl::AsciiStrToLower(*scope);
  }

  const bool want_s3 = options.backend ? *options.backend == "s3" : AnyS3Variable(env);
  auto bearer = NonEmptyEnv(env, "MATHLIB_CACHE_AZURE_BEARER_TOKEN");
  auto sas = NonEmptyEnv(env, "MATHLIB_CACHE_SAS");
  if (want_s3) {
    backend.kind = BackendKind::kS3;
    if (auto st = SetS3Credentials(env, backend); !st.ok()) return st;
  } else if (options.backend || bearer || sas) {
    backend.kind = BackendKind::kAzure;
    if (bearer) {
      backend.auth.bearer_token = *bearer;
      backend.azure_bearer = true;
    } else if (sas) {
      std::string q = *sas;
      if (!q.empty() && q.front() == '?') q.erase(0, 1);
      backend.sas = std::move(q);
    } else {
      return absl::FailedPreconditionError(kAzureMissing);
    }
  } else if (NonEmptyEnv(env, "MATHLIB_CACHE_PUT_URL")) {
    backend.kind = BackendKind::kHttp;
    if (auto token = NonEmptyEnv(env, "MATHLIB_CACHE_PUT_BEARER_TOKEN")) {
      backend.auth.bearer_token = *token;
    }
  } else {
    return absl::FailedPreconditionError(kAzureMissing);
  }
  if (auto st = SetDestination(env, options, backend); !st.ok()) return st;
  return backend;
}

std::string ArchiveUrl(const Backend& backend, std::string_view file_name) {
  std::optional<std::string_view> scope;
  if (backend.scope) scope = *backend.scope;
  return sources::MakeFileUrl(backend.container, backend.repo, backend.base_url, file_name, scope);
}

std::string CommitManifestUrl(const Backend& backend, std::string_view sha) {
  return absl::StrCat(backend.base_url, "/c/", std::string(sha));
}

std::optional<std::string> MarkerUrlFor(const Backend& backend, std::string_view sha) {
  if (!backend.container) return std::nullopt;
  return absl::StrCat(backend.base_url, "/m/", sources::AsciiLower(backend.repo), "/",
                      std::string(sha));
}

std::string HttpDate(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

transfer::PutRequest MakePutRequest(const Backend& backend, std::string display_url,
                                    std::string source_path, bool if_none_match) {
  transfer::PutRequest req;
  req.url = std::move(display_url);
  req.source_path = std::move(source_path);
  req.if_none_match = if_none_match;
  req.conflict_is_already_present = if_none_match;
  req.auth = backend.auth;
  req.session = backend.session;
  if (backend.kind == BackendKind::kAzure) {
    req.headers.push_back("x-ms-blob-type: BlockBlob");
    if (backend.azure_bearer) {
      req.headers.push_back(absl::StrCat("x-ms-version: ", kAzureVersion));
      req.headers.push_back(
          absl::StrCat("x-ms-date: ", HttpDate(std::chrono::system_clock::now())));
    }
    if (!backend.sas.empty()) {
      req.url += (req.url.find('?') == std::string::npos ? "?" : "&");
      req.url += backend.sas;
    }
  }
  return req;
}

}  // namespace leancache::upload
