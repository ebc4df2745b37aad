#include "common/keys/archive_name.h"

#include "absl/strings/match.h"
#include "common/hash/lean_hash.h"

namespace leancache::keys {

std::string ArchiveName(uint64_t key) { return hash::Hex16(key) + ".ltar"; }

std::optional<uint64_t> KeyFromFileName(std::string_view name) {
  if (size_t slash = name.find_last_of('/'); slash != std::string_view::npos) {
    name.remove_prefix(slash + 1);
  }
  if (name.ends_with(".part")) name.remove_suffix(5);
  // M-late partial names: "{hash}.ltar.{pid}" (after ".part" was removed).
  if (size_t ltar = name.find(".ltar."); ltar != std::string_view::npos) {
    std::string_view pid = name.substr(ltar + 6);
    bool digits = !pid.empty();
    for (char c : pid) digits = digits && c >= '0' && c <= '9';
    if (digits) name = name.substr(0, ltar + 5);
  }
  // FilePath.fileStem: drop the last extension.
  if (size_t dot = name.find_last_of('.'); dot != std::string_view::npos && dot > 0) {
    name = name.substr(0, dot);
  }
  if (name.empty() || name.size() > 16) return std::nullopt;
  uint64_t value = 0;
  for (char c : name) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return std::nullopt;
    value = (value << 4) | static_cast<uint64_t>(d);
  }
  return value;
}

}  // namespace leancache::keys
