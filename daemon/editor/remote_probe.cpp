#include "daemon/editor/remote_probe.h"

#include <curl/curl.h>

#include <memory>

#include "daemon/sources/get_sources.h"

namespace leancache::editor {
namespace {

struct EasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};

size_t DiscardBody(char*, size_t size, size_t n, void*) { return size * n; }

}  // namespace

absl::StatusOr<std::map<std::string, v1::RemoteState>> ProbeRemote(const core::Network& network,
                                                                   const RemoteProbeRequest& request) {
  std::map<std::string, v1::RemoteState> out;
  for (const auto& h : request.hash16s) out[h] = v1::REMOTE_UNKNOWN;
  if (request.hash16s.empty()) return out;

  sources::GetSourcesRequest req;
  req.mathlib_dir = request.mathlib_dir;
  req.is_mathlib_root = request.is_mathlib_root;
  req.options = request.options;
  req.env = request.env;
  sources::Config no_config;
  auto chain = sources::ResolveGetSources(req, network.config != nullptr ? *network.config : no_config);
  if (!chain.ok()) return chain.status();
  if (chain->chain.rounds.empty()) return out;
  const sources::Round& round = chain->chain.rounds.front();

  std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
  if (!easy) return out;
  const auto deadline = std::chrono::steady_clock::now() + request.budget;
  for (const auto& h : request.hash16s) {
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::string url = round.FileUrl(h);
    curl_easy_setopt(easy.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy.get(), CURLOPT_NOBODY, 1L);
    curl_easy_setopt(easy.get(), CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(easy.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, &DiscardBody);
    curl_easy_setopt(easy.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    curl_easy_setopt(easy.get(), CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.timeout.count()));
    if (curl_easy_perform(easy.get()) != CURLE_OK) continue;
    long status = 0;
    curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status < 300) {
      out[h] = v1::REMOTE_PRESENT;
    } else if (status == 404 || (status == 403 && round.forbidden_is_miss)) {
      out[h] = v1::REMOTE_MISSING;
    }
  }
  return out;
}

}  // namespace leancache::editor
