#include "daemon/lakesvc/service_config.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace leancache::lakesvc {
namespace {

using nlohmann::json;

absl::Status Bad(std::string_view where, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(std::string(where), ": ", what));
}

absl::StatusOr<std::string> ParseEndpoint(const json& value, std::string_view where) {
  if (!value.is_string()) return Bad(where, "must be a string URL");
  std::string url = value.get<std::string>();
  if (!absl::StartsWith(url, "http://") && !absl::StartsWith(url, "https://")) {
    return Bad(where, absl::StrCat("must be an http:// or https:// URL, got '", url, "'"));
  }
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

absl::StatusOr<Endpoints> ParseEndpoints(const json& value, std::string_view where) {
  if (!value.is_object()) return Bad(where, "must be an object with artifact_endpoint and revision_endpoint");
  Endpoints out;
  for (const auto& [key, item] : value.items()) {
    std::string sub = absl::StrCat(std::string(where), ".", key);
    auto url = ParseEndpoint(item, sub);
    if (!url.ok()) return url.status();
    if (key == "artifact_endpoint") {
      out.artifact = *url;
    } else if (key == "revision_endpoint") {
      out.revision = *url;
    } else {
      return Bad(sub, "unknown key (expected artifact_endpoint, revision_endpoint)");
    }
  }
  if (out.artifact.empty() || out.revision.empty()) {
    return Bad(where, "needs both artifact_endpoint and revision_endpoint");
  }
  return out;
}

}  // namespace

absl::StatusOr<ListenAddress> ParseListenAddress(std::string_view raw, std::string_view what) {
  const absl::string_view text(raw.data(), raw.size());
  absl::string_view rest = text;
  if (!absl::ConsumePrefix(&rest, "127.0.0.1:")) {
    return Bad(what, absl::StrCat("'", text, "' must be 127.0.0.1:PORT (the service listens on loopback only)"));
  }
  uint32_t port = 0;
  if (!absl::SimpleAtoi(rest, &port) || port == 0 || port > 65535) {
    return Bad(what, absl::StrCat("'", text, "' has no valid port (1..65535)"));
  }
  ListenAddress out;
  out.port = static_cast<uint16_t>(port);
  return out;
}

absl::StatusOr<ServiceConfig> ParseServiceConfig(const json& value, std::string_view where) {
  if (!value.is_object()) return Bad(where, "must be an object");
  ServiceConfig out;
  bool has_upload = false;
  for (const auto& [key, item] : value.items()) {
    std::string sub = absl::StrCat(std::string(where), ".", key);
    if (key == "listen") {
      if (!item.is_string()) return Bad(sub, "must be a string \"127.0.0.1:PORT\"");
      auto listen = ParseListenAddress(item.get<std::string>(), sub);
      if (!listen.ok()) return listen.status();
      out.listen = *listen;
    } else if (key == "upstream" || key == "upload") {
      auto endpoints = ParseEndpoints(item, sub);
      if (!endpoints.ok()) return endpoints.status();
      (key == "upstream" ? out.upstream : out.upload) = *endpoints;
      has_upload = has_upload || key == "upload";
    } else if (key == "writes") {
      std::string mode = item.is_string() ? item.get<std::string>() : "";
      if (mode != "local" && mode != "through") return Bad(sub, "must be \"local\" or \"through\"");
      out.writes = mode == "local" ? WriteMode::kLocal : WriteMode::kThrough;
    } else {
      return Bad(sub, "unknown key (expected listen, upstream, upload, writes)");
    }
  }
  if (!has_upload) out.upload = out.upstream;
  if (out.writes == WriteMode::kThrough && out.upload.empty()) {
    return Bad(where, "\"writes\": \"through\" needs \"upload\" or \"upstream\" endpoints");
  }
  return out;
}

}  // namespace leancache::lakesvc
