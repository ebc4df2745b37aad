#include "common/ltar/trace.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "common/hash/lean_hash.h"
#include "common/json/parse_json.h"

namespace leancache::ltar {
namespace {

using nlohmann::json;

absl::Status BadTrace(std::string_view what, std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("bad .trace file ", std::string(what), ": ", std::string(why)));
}

constexpr char kSchema[] = "2025-09-10";

using leancache::json::ParseJson;

std::string Dump(const json& j) {
  try {
    return j.dump(-1, ' ', false, json::error_handler_t::strict);
  } catch (const json::exception&) {
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
  }
}

}  // namespace

bool ParseRustU64(std::string_view s, int radix, uint64_t* out) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  uint64_t v = 0;
  for (char ch : s) {
    int d;
    if (ch >= '0' && ch <= '9') {
      d = ch - '0';
    } else if (radix == 16 && ch >= 'a' && ch <= 'f') {
      d = ch - 'a' + 10;
    } else if (radix == 16 && ch >= 'A' && ch <= 'F') {
      d = ch - 'A' + 10;
    } else {
      return false;
    }
    if (d >= radix) return false;
    if (v > (UINT64_MAX - static_cast<uint64_t>(d)) / static_cast<uint64_t>(radix)) return false;
    v = v * static_cast<uint64_t>(radix) + static_cast<uint64_t>(d);
  }
  *out = v;
  return true;
}

bool IsCanonicalDecimalU64(std::string_view text, uint64_t* value) {
  uint64_t v;
  if (text.size() > 20 || !ParseRustU64(text, 10, &v)) return false;
  if (std::to_string(v) != text) return false;
  *value = v;
  return true;
}

std::string RenderHashJson(uint64_t dep_hash) {
  return absl::StrCat("{\"depHash\":\"", dep_hash, "\"}");
}

std::string RenderHashOutput(const HashOutput& h) {
  std::string s = absl::StrCat("{\"schemaVersion\":\"", kSchema, "\",\"depHash\":\"",
                               hash::Hex16(h.dep_hash), "\",\"outputs\":{\"o\":[\"", hash::Hex16(h.olean),
                               ".olean\"");
  for (uint64_t e : h.extra_oleans) absl::StrAppend(&s, ",\"", hash::Hex16(e), ".olean\"");
  absl::StrAppend(&s, "],\"i\":\"", hash::Hex16(h.ilean), ".ilean\",\"c\":\"", hash::Hex16(h.c), ".c\"");
  if (h.bc) absl::StrAppend(&s, ",\"b\":\"", hash::Hex16(*h.bc), ".bc\"");
  absl::StrAppend(&s, "}}");
  return s;
}

absl::StatusOr<TracePlan> PlanTrace(std::string_view text, std::string_view what) {
  TracePlan plan;
  if (ParseRustU64(text, 10, &plan.dep_hash)) {
    plan.version = ContainerVersion::kV1;
    return plan;
  }
  absl::StatusOr<json> parsed = ParseJson(text);
  if (!parsed.ok()) return BadTrace(what, std::string(parsed.status().message()));
  const json& j = *parsed;
  if (!j.is_object()) return BadTrace(what, "not a JSON object");
  auto dep = j.find("depHash");
  if (dep == j.end() || !dep->is_string()) return BadTrace(what, "missing string depHash");
  const std::string& dep_text = dep->get_ref<const std::string&>();
  auto schema = j.find("schemaVersion");
  if (schema == j.end()) {
    plan.version = ContainerVersion::kV2;
    if (!ParseRustU64(dep_text, 10, &plan.dep_hash)) return BadTrace(what, "depHash is not decimal");
    plan.entry_mode = Mode::kHashJson;
    return plan;
  }
  if (!schema->is_string() || schema->get_ref<const std::string&>() != kSchema) {
    return BadTrace(what, "unsupported schemaVersion");
  }
  plan.version = ContainerVersion::kV3;
  if (!ParseRustU64(dep_text, 16, &plan.dep_hash)) return BadTrace(what, "depHash is not hex");

  json kept_log = json::array();
  auto log = j.find("log");
  if (log != j.end()) {
    if (!log->is_array()) return BadTrace(what, "log is not an array");
    for (const json& e : *log) {
      if (!e.is_object()) return BadTrace(what, "log entry is not an object");
      auto msg = e.find("message");
      auto lvl = e.find("level");
      if (msg == e.end() || !msg->is_string() || lvl == e.end() || !lvl->is_string()) {
        return BadTrace(what, "log entry needs string message and level");
      }
      const std::string& level = lvl->get_ref<const std::string&>();
      if (level != "trace" && level != "info" && level != "warning" && level != "error") {
        return BadTrace(what, absl::StrCat("unknown log level '", level, "'"));
      }
      if (level == "trace") continue;
      kept_log.push_back(e);
    }
  }
  auto outputs = j.find("outputs");
  bool has_outputs = outputs != j.end() && !outputs->is_null();
  if (!has_outputs && kept_log.empty()) {
    plan.entry_mode = Mode::kHashJson;
    return plan;
  }
  plan.entry_mode = Mode::kZstd;
  std::string& s = plan.entry_text;
  s = absl::StrCat("{\"schemaVersion\":\"", kSchema, "\"");
  if (!kept_log.empty()) {
    s += ",\"log\":[";
    bool first = true;
    for (const json& e : kept_log) {
      if (!first) s += ",";
      first = false;
      absl::StrAppend(&s, "{\"message\":", Dump(e["message"]), ",\"level\":", Dump(e["level"]), "}");
    }
    s += "]";
  }
  absl::StrAppend(&s, ",\"depHash\":\"", hash::Hex16(plan.dep_hash), "\"");
  if (has_outputs) absl::StrAppend(&s, ",\"outputs\":", Dump(*outputs));
  s += "}";
  return plan;
}

absl::StatusOr<uint64_t> TraceDepHash(std::string_view text) {
  uint64_t v;
  if (ParseRustU64(text, 10, &v)) return v;
  absl::StatusOr<json> parsed = ParseJson(text);
  if (!parsed.ok()) return absl::InvalidArgumentError(parsed.status().message());
  const json& j = *parsed;
  if (!j.is_object()) return absl::InvalidArgumentError("trace is not a JSON object");
  auto dep = j.find("depHash");
  if (dep == j.end() || !dep->is_string()) {
    return absl::InvalidArgumentError("trace has no string depHash");
  }
  int radix = j.contains("schemaVersion") ? 16 : 10;
  if (!ParseRustU64(dep->get_ref<const std::string&>(), radix, &v)) {
    return absl::InvalidArgumentError("trace depHash does not parse");
  }
  return v;
}

}  // namespace leancache::ltar
