#include "common/lake/remote_urls.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/hash/lean_hash.h"
#include "common/lake/cache_dir.h"

namespace leancache::lake {
namespace {
// The Debian abseil's StrCat/StrSplit take absl::string_view, not std::string_view.
absl::string_view A(std::string_view s) { return absl::string_view(s.data(), s.size()); }
}  // namespace

std::string UriEncode(std::string_view component) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : component) {
    bool keep = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                c == '-' || c == '_' || c == '.' || c == '~';
    if (keep) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string AppendScope(std::string base, std::string_view scope) {
  for (absl::string_view part : absl::StrSplit(A(scope), '/')) absl::StrAppend(&base, UriEncode(std::string_view(part.data(), part.size())), "/");
  return base;
}

std::string StripTrailingSlash(std::string_view endpoint) {
  if (!endpoint.empty() && endpoint.back() == '/') endpoint.remove_suffix(1);
  return std::string(endpoint);
}

std::string S3ArtifactUrl(std::string_view artifact_endpoint, std::string_view scope, uint64_t hash) {
  return absl::StrCat(AppendScope(absl::StrCat(A(artifact_endpoint), "/"), scope), hash::Hex16(hash), ".art");
}

std::string S3RevisionUrl(std::string_view revision_endpoint, const RemoteScope& scope,
                          std::string_view rev) {
  std::string url = AppendScope(absl::StrCat(A(revision_endpoint), "/"), scope.value);
  if (scope.repo) {
    if (scope.platform) absl::StrAppend(&url, "pt/", UriEncode(*scope.platform), "/");
    if (scope.toolchain) absl::StrAppend(&url, "tc/", UriEncode(ToolchainDir(*scope.toolchain)), "/");
  }
  return absl::StrCat(url, A(rev), ".jsonl");
}

namespace {
std::string ReservoirBase(std::string_view api, const RemoteScope& scope) {
  return AppendScope(absl::StrCat(A(api), scope.repo ? "/repositories/" : "/packages/"), scope.value);
}
}  // namespace

std::string ReservoirArtifactUrl(std::string_view api, const RemoteScope& scope, uint64_t hash) {
  return absl::StrCat(ReservoirBase(api, scope), "artifacts/", hash::Hex16(hash), ".art");
}

std::string ReservoirBatchUrl(std::string_view api, const RemoteScope& scope) {
  return absl::StrCat(ReservoirBase(api, scope), "artifacts");
}

std::string ReservoirOutputsUrl(std::string_view api, const RemoteScope& scope, std::string_view rev) {
  std::string url = absl::StrCat(ReservoirBase(api, scope), "build-outputs?rev=", UriEncode(rev));
  if (scope.platform) absl::StrAppend(&url, "&platform=", UriEncode(*scope.platform));
  if (scope.toolchain) absl::StrAppend(&url, "&toolchain=", UriEncode(*scope.toolchain));
  return url;
}

}  // namespace leancache::lake
