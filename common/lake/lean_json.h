// Lean's JSON printers, byte-exact, for the files Lake writes (`Lean.Json.pretty` for the
// outputs JSON, `Lean.Json.compress` for mapping lines). Objects are Lean tree maps (keys in
// string order) that Lean's printers emit in REVERSE key order (a fold that conses). Strings
// escape only '"', '\\', '\n', '\r' and controls below 0x20 (as \u00xx, lowercase hex); all
// else, non-ASCII included, is written raw. `pretty` is Lean's Format layout at width 80:
// an object is `bracket "{" (kv, line)* "}"` with each kv `group(key ":" line value)`, an
// array `bracket "[" (v, line)* "]"`; a group is flat when it and the rest of its line fit.
#pragma once

#include <string>

#include "nlohmann/json.hpp"

namespace leancache::lake {

// Lean's `Json.pretty j 80` (no trailing newline).
std::string LeanJsonPretty(const nlohmann::json& j, int width = 80);

// Lean's `Json.compress j`.
std::string LeanJsonCompress(const nlohmann::json& j);

// Lean's `renderString s`: quoted and escaped.
std::string LeanJsonString(const std::string& s);

}  // namespace leancache::lake
