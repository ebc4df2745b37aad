// URLs of Lake's remote caches (spec lake-native-cache-2026.md §3.4, §3.5):
//   S3 artifact   {artifactEndpoint}/{enc scope components...}/{hash16}.art
//   S3 revision   {revisionEndpoint}/{enc scope...}/{rev}.jsonl                       (--scope)
//                 {revisionEndpoint}/{owner}/{repo}[/pt/{platform}][/tc/{tcdir}]/{rev}.jsonl (--repo)
//   Reservoir     {api}/packages|repositories/{enc scope...}/artifacts/{hash16}.art
//                 {api}/packages|repositories/{enc scope...}/artifacts            (batch POST)
//                 {api}/packages|repositories/{enc scope...}/build-outputs?rev=R[&platform=P][&toolchain=T]
// Every '/'-separated scope component is URI-encoded on its own (uriEncode: ASCII alphanumerics
// and "-_.~" kept, every other UTF-8 byte "%XX" uppercase).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace leancache::lake {

// Lake's uriEncode of one component.
std::string UriEncode(std::string_view component);

// Lake's appendScope: `base` + for each '/'-separated component: enc(component) + "/".
std::string AppendScope(std::string base, std::string_view scope);

// A remote scope: `--scope S` (verbatim), `--repo owner/repo` (with platform/toolchain parts), or
// a Reservoir package "<manifest scope>/<name>" (repo false, with platform/toolchain parts).
struct RemoteScope {
  bool repo = false;
  std::string value;
  // S3: repo scopes only, "pt/<enc platform>" and "tc/<enc toolchain2Dir>"; Reservoir: the
  // build-outputs query's `platform` and `toolchain` whenever set.
  std::optional<std::string> platform;
  std::optional<std::string> toolchain;
};

// Endpoints with one trailing '/' stripped (Lake strips it from the env endpoints).
std::string StripTrailingSlash(std::string_view endpoint);

std::string S3ArtifactUrl(std::string_view artifact_endpoint, std::string_view scope, uint64_t hash);
std::string S3RevisionUrl(std::string_view revision_endpoint, const RemoteScope& scope,
                          std::string_view rev);

std::string ReservoirArtifactUrl(std::string_view api, const RemoteScope& scope, uint64_t hash);
std::string ReservoirBatchUrl(std::string_view api, const RemoteScope& scope);
// For Reservoir the RAW toolchain string is encoded (not toolchain2Dir).
std::string ReservoirOutputsUrl(std::string_view api, const RemoteScope& scope, std::string_view rev);

// The headers Lake sends on Reservoir requests (not on S3 requests).
inline constexpr std::string_view kReservoirHeaders[] = {"X-Reservoir-Api-Version: 1.0.0",
                                                         "X-Lake-Registry-Api-Version: 0.1.0"};
inline constexpr std::string_view kDefaultReservoirApi = "https://reservoir.lean-lang.org/api/v1";

// Content types of Lake's uploads.
inline constexpr std::string_view kArtifactContentType = "application/vnd.reservoir.artifact";
inline constexpr std::string_view kOutputsContentType = "application/vnd.reservoir.outputs+json-lines";

}  // namespace leancache::lake
