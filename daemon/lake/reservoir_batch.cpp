#include "daemon/lake/reservoir_batch.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/hash/lean_hash.h"
#include "common/json/parse_json.h"
#include "daemon/transfer/redact.h"
#include "daemon/transfer/small_body.h"

namespace leancache::lake {
namespace {

// The JSON array body of one batch: ["<hash16>", ...].
std::string BatchBody(const std::vector<uint64_t>& hashes, size_t begin, size_t end) {
  nlohmann::json body = nlohmann::json::array();
  for (size_t i = begin; i < end; ++i) body.push_back(hash::Hex16(hashes[i]));
  return body.dump();
}

bool NoBatchEndpoint(const transfer::Result& r) {
  return r.verdict == transfer::Verdict::kMiss || r.http_status == 405 || r.http_status == 501;
}

// One POST; appends its URLs to `out`. Sets `*fallback` when the server has no batch endpoint.
absl::Status PostOneBatch(transfer::Transport& transport, const Service& service, const std::string& url,
                          std::string body, size_t count, const std::filesystem::path& temp_dir,
                          std::vector<std::string>* out, bool* fallback) {
  transfer::GetRequest post;
  post.url = url;
  post.session = service.session;
  post.post_body = std::move(body);
  post.headers.emplace_back("Content-Type: application/json");
  for (auto h : kReservoirHeaders) post.headers.emplace_back(h);
  absl::StatusOr<transfer::SmallReply> reply = transfer::FetchSmallBody(transport, std::move(post), temp_dir, "batch");
  if (!reply.ok()) return reply.status();
  const transfer::Result& r = reply->result;
  const std::string origin = transfer::RedactUrl(url);
  if (NoBatchEndpoint(r)) {
    *fallback = true;
    return absl::OkStatus();
  }
  if (!r.ok()) {
    return absl::UnavailableError(absl::StrCat("failed to POST URL, error ", r.http_status,
                                               r.error.empty() ? "" : absl::StrCat(" (", r.error, ")"), ": ", origin));
  }
  absl::StatusOr<std::vector<std::string>> urls = ParseReservoirBatchReply(reply->body, count, origin);
  if (!urls.ok()) return urls.status();
  out->insert(out->end(), std::make_move_iterator(urls->begin()), std::make_move_iterator(urls->end()));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ParseReservoirBatchReply(std::string_view body, size_t expected,
                                                                  const std::string& origin) {
  absl::StatusOr<nlohmann::json> doc = json::ParseJson(body);
  if (!doc.ok()) return absl::DataLossError(absl::StrCat("Reservoir reply is not JSON (", doc.status().message(), "): ", origin));
  if (doc->is_object() && doc->contains("error")) {
    const nlohmann::json& e = (*doc)["error"];
    std::string status = e.is_object() && e.contains("status") ? e["status"].dump() : "?";
    std::string message = e.is_object() && e.contains("message") && e["message"].is_string()
                              ? e["message"].get<std::string>() : e.dump();
    return absl::UnavailableError(absl::StrCat("Reservoir error (status ", status, "): ", message, ": ", origin));
  }
  if (!doc->is_object() || !doc->contains("data") || !(*doc)["data"].is_array()) {
    return absl::DataLossError(absl::StrCat("Reservoir reply has no `data` array: ", origin));
  }
  const nlohmann::json& data = (*doc)["data"];
  if (data.size() != expected) {
    return absl::DataLossError(absl::StrCat("Incorrect number of results: expected ", expected, ", got ",
                                            data.size(), ": ", origin));
  }
  std::vector<std::string> urls;
  urls.reserve(expected);
  for (size_t i = 0; i < data.size(); ++i) {
    const nlohmann::json& u = data[i];
    if (!u.is_string() || !(absl::StartsWith(u.get<std::string>(), "https://") ||
                            absl::StartsWith(u.get<std::string>(), "http://"))) {
      return absl::DataLossError(absl::StrCat("Reservoir reply element ", i, " is not an http(s) URL: ", origin));
    }
    urls.push_back(u.get<std::string>());
  }
  return urls;
}

absl::StatusOr<std::vector<std::string>> ReservoirDownloadUrls(transfer::Transport& transport,
                                                               const Service& service, const RemoteScope& scope,
                                                               const std::vector<uint64_t>& hashes,
                                                               const std::filesystem::path& temp_dir) {
  std::vector<std::string> urls;
  urls.reserve(hashes.size());
  const std::string url = ReservoirBatchUrl(service.api, scope);
  bool fallback = false;
  for (size_t begin = 0; begin < hashes.size() && !fallback; begin += kReservoirBatchLimit) {
    const size_t end = std::min(hashes.size(), begin + kReservoirBatchLimit);
    absl::Status s = PostOneBatch(transport, service, url, BatchBody(hashes, begin, end), end - begin, temp_dir,
                                  &urls, &fallback);
    if (!s.ok()) return s;
  }
  if (fallback) {  // no batch endpoint: the per-artifact layout
    urls.clear();
    for (uint64_t h : hashes) urls.push_back(ReservoirArtifactUrl(service.api, scope, h));
  }
  return urls;
}

}  // namespace leancache::lake
