#pragma once
// Reading settings out of a forwarded environment (a plain map; never the daemon's getenv).

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace leancache::sources {

using Env = std::map<std::string, std::string>;

// Returns the value of `name` in `env` with ASCII whitespace trimmed at both ends, or nullopt if
// the variable is absent or blank (the M-late rule "an empty value means unset").
std::optional<std::string> NonEmptyEnv(const Env& env, std::string_view name);

// Whether `name` is set to "1" or "true" (case-insensitive, trimmed), the M-late boolean rule.
bool EnvFlag(const Env& env, std::string_view name);

// `s` with ASCII whitespace removed at both ends.
std::string TrimAscii(std::string_view s);

// `url` trimmed, with every trailing '/' removed ("https://x/y//" -> "https://x/y").
std::string StripTrailingSlashes(std::string_view url);

// ASCII lowercase copy of `s`.
std::string AsciiLower(std::string_view s);

}  // namespace leancache::sources
