#include "daemon/sources/config.h"

#include <cerrno>
#include <limits>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/fs/fd.h"
#include "daemon/sources/env_value.h"
#include "common/json/parse_json.h"

namespace leancache::sources {

namespace {

using nlohmann::json;

constexpr uint64_t kMaxConfigBytes = 1 << 20;

absl::Status Bad(const std::filesystem::path& path, std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat(path.string(), ": ", absl::string_view(what.data(), what.size())));
}

bool IsAcceptedUrl(std::string_view url) {
  for (std::string_view scheme : {"https://", "http://", "file://"}) {
    if (url.size() > scheme.size() && url.substr(0, scheme.size()) == scheme) return true;
  }
  return false;
}

absl::StatusOr<std::string> HostUrl(const json& v, const std::filesystem::path& path,
                                    absl::string_view key) {
  if (!v.is_string()) return Bad(path, absl::StrCat("\"hosts.", key, "\" must be a string"));
  std::string url = StripTrailingSlashes(v.get<std::string>());
  if (!IsAcceptedUrl(url)) {
    return Bad(path, absl::StrCat("\"hosts.", key, "\" must be an http(s):// or file:// URL, not \"",
                                  v.get<std::string>(), "\""));
  }
  return url;
}

// A byte count: a non-negative integer, or a string for ParseByteSize.
absl::StatusOr<uint64_t> ByteCount(const json& v, const std::filesystem::path& path,
                                   absl::string_view key) {
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  if (v.is_number_integer()) {
    return Bad(path, absl::StrCat("\"", key, "\" must not be negative"));
  }
  if (!v.is_string()) {
    return Bad(path, absl::StrCat("\"", key, "\" must be a byte count (integer or \"50G\")"));
  }
  absl::StatusOr<uint64_t> n = ParseByteSize(v.get<std::string>(), absl::StrCat("\"", key, "\""));
  if (!n.ok()) return Bad(path, std::string(n.status().message()));
  return n;
}

absl::StatusOr<Mirror> ParseMirror(json m, size_t index, const std::filesystem::path& path) {
  std::string where = absl::StrCat("mirrors[", index, "]");
  if (m.is_string()) m = json{{"url", m}};  // shorthand: a bare URL string
  if (!m.is_object()) return Bad(path, absl::StrCat(where, " must be an object {\"url\", \"mode\"}"));
  Mirror mirror;
  for (const auto& [key, value] : m.items()) {
    if (key == "url") {
      if (!value.is_string()) return Bad(path, absl::StrCat(where, ".url must be a string"));
      mirror.url = StripTrailingSlashes(value.get<std::string>());
      if (!IsAcceptedUrl(mirror.url)) {
        return Bad(path, absl::StrCat(where, ".url must be an http(s):// or file:// URL, not \"",
                                      value.get<std::string>(), "\""));
      }
    } else if (key == "mode") {
      std::string mode = value.is_string() ? AsciiLower(TrimAscii(value.get<std::string>())) : "";
      if (mode == "prepend") mirror.mode = MirrorMode::kPrepend;
      else if (mode == "append") mirror.mode = MirrorMode::kAppend;
      else if (mode == "replace") mirror.mode = MirrorMode::kReplace;
      else {
        return Bad(path, absl::StrCat(where, ".mode must be \"prepend\", \"append\" or \"replace\", not ",
                                      value.dump()));
      }
    } else {
      return Bad(path, absl::StrCat(where, ": unknown key \"", key, "\""));
    }
  }
  if (mirror.url.empty()) return Bad(path, absl::StrCat(where, " has no \"url\""));
  return mirror;
}

}  // namespace

absl::StatusOr<uint64_t> ParseByteSize(std::string_view text, std::string_view what_in) {
  absl::string_view what(what_in.data(), what_in.size());
  std::string s = TrimAscii(std::string(text));
  size_t digits = 0;
  while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
  std::string suffix = AsciiLower(TrimAscii(s.substr(digits)));
  uint64_t n = 0;
  if (digits == 0 || !absl::SimpleAtoi(s.substr(0, digits), &n)) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": cannot parse byte count \"", s, "\""));
  }
  int shift = 0;
  if (suffix.empty() || suffix == "b") shift = 0;
  else if (suffix == "k" || suffix == "kb" || suffix == "kib") shift = 10;
  else if (suffix == "m" || suffix == "mb" || suffix == "mib") shift = 20;
  else if (suffix == "g" || suffix == "gb" || suffix == "gib") shift = 30;
  else if (suffix == "t" || suffix == "tb" || suffix == "tib") shift = 40;
  else return absl::InvalidArgumentError(absl::StrCat(what, ": unknown unit in \"", s, "\""));
  if (shift > 0 && n > (std::numeric_limits<uint64_t>::max() >> shift)) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": \"", s, "\" is too large"));
  }
  return n << shift;
}

absl::StatusOr<uint64_t> EffectiveCacheCap(const Config& config, const std::map<std::string, std::string>& env) {
  if (std::optional<std::string> v = NonEmptyEnv(env, "LEANCACHE_MAX_CACHE_SIZE")) {
    return ParseByteSize(*v, "LEANCACHE_MAX_CACHE_SIZE");
  }
  return config.cache_size_cap_bytes;
}

std::string_view MirrorModeName(MirrorMode mode) {
  switch (mode) {
    case MirrorMode::kPrepend: return "prepend";
    case MirrorMode::kAppend: return "append";
    case MirrorMode::kReplace: return "replace";
  }
  return "?";
}

absl::StatusOr<std::filesystem::path> ConfigFilePath(const std::map<std::string, std::string>& env) {
  if (std::optional<std::string> xdg = NonEmptyEnv(env, "XDG_CONFIG_HOME")) {
    return std::filesystem::path(*xdg) / "leancache" / "config.json";
  }
  if (std::optional<std::string> home = NonEmptyEnv(env, "HOME")) {
    return std::filesystem::path(*home) / ".config" / "leancache" / "config.json";
  }
  return absl::NotFoundError(
      "cannot locate the leancache config file: neither XDG_CONFIG_HOME nor HOME is set");
}

absl::StatusOr<Config> ParseConfig(std::string_view json_text, const std::filesystem::path& path) {
  auto parsed = leancache::json::ParseJson(json_text);
  if (!parsed.ok()) return Bad(path, absl::StrCat("invalid JSON: ", parsed.status().message()));
  json root = std::move(*parsed);
  if (!root.is_object()) return Bad(path, "the top level must be a JSON object");

  Config cfg;
  cfg.source = path;
  try {
    for (const auto& [key, value] : root.items()) {
      if (key == "mirrors") {
        if (!value.is_array()) return Bad(path, "\"mirrors\" must be an array");
        for (size_t i = 0; i < value.size(); ++i) {
          absl::StatusOr<Mirror> m = ParseMirror(value[i], i, path);
          if (!m.ok()) return m.status();
          cfg.mirrors.push_back(*std::move(m));
        }
      } else if (key == "hosts") {
        if (!value.is_object()) return Bad(path, "\"hosts\" must be an object");
        for (const auto& [hkey, hvalue] : value.items()) {
          absl::StatusOr<std::string> url = HostUrl(hvalue, path, hkey);
          if (!url.ok()) return url.status();
          if (hkey == "public") cfg.public_host = *url;
          else if (hkey == "containers") cfg.container_host = *url;
          else return Bad(path, absl::StrCat("hosts: unknown key \"", hkey, "\" (public, containers)"));
        }
      } else if (key == "max_parallel_downloads") {
        if (!value.is_number_integer() || value.get<int64_t>() < 1 || value.get<int64_t>() > 1024) {
          return Bad(path, absl::StrCat("\"max_parallel_downloads\" must be an integer in 1..1024, not ",
                                        value.dump()));
        }
        cfg.max_parallel_downloads = static_cast<uint32_t>(value.get<int64_t>());
      } else if (key == "cache_size_cap_bytes" || key == "max_cache_size") {
        absl::StatusOr<uint64_t> n = ByteCount(value, path, key);
        if (!n.ok()) return n.status();
        cfg.cache_size_cap_bytes = *n;
      } else if (key == "proxy" || key == "no_proxy" || key == "ca_bundle" || key == "ca_path") {
        if (!value.is_string()) return Bad(path, absl::StrCat("\"", key, "\" must be a string"));
        std::string text = TrimAscii(value.get<std::string>());
        (key == "proxy" ? cfg.proxy : key == "no_proxy" ? cfg.no_proxy
                                   : key == "ca_bundle" ? cfg.ca_bundle : cfg.ca_path) = text;
      } else if (key == "request_timeout") {
        if (!value.is_number_integer() || value.get<int64_t>() < 1 || value.get<int64_t>() > 604800) {
          return Bad(path, absl::StrCat("\"request_timeout\" must be a number of seconds in 1..604800, not ",
                                        value.dump()));
        }
        cfg.request_timeout_seconds = static_cast<uint32_t>(value.get<int64_t>());
      } else {
        cfg.extra[key] = value;
      }
    }
  } catch (const json::exception& e) {
    return Bad(path, e.what());
  }
  return cfg;
}

absl::StatusOr<Config> LoadConfig(const std::filesystem::path& path) {
  absl::StatusOr<std::string> text = fs::ReadFile(path.string(), kMaxConfigBytes);
  if (!text.ok()) {
    if (absl::IsNotFound(text.status())) return Config{};
    return absl::Status(text.status().code(),
                        absl::StrCat("cannot read config file ", path.string(), ": ",
                                     text.status().message()));
  }
  return ParseConfig(*text, path);
}

}  // namespace leancache::sources
