#include "common/header/module_name.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/header/lean_chars.h"

namespace leancache::header {
namespace {

bool IsPlainIdentifier(std::string_view part) {
  if (part.empty()) return false;
  size_t len = 0;
  if (!IsIdFirst(DecodeUtf8At(part, 0, &len))) return false;
  for (size_t i = len; i < part.size(); i += len) {
    if (!IsIdRest(DecodeUtf8At(part, i, &len))) return false;
  }
  return true;
}

// Name.toString never escapes "prettified" inaccessible names, names with macro scopes, or
// pseudo-syntax (`_`, `#…`, `?…`).
bool IsEscapeExempt(std::string_view part) {
  if (part == "_" || part == "_inaccessible" || part == "_hyg") return true;
  if (!part.empty() && (part[0] == '#' || part[0] == '?')) return true;
  return part.find("\xE2\x9C\x9D") != std::string_view::npos;  // '✝'
}

}  // namespace

std::string EscapeNamePart(std::string_view part) {
  if (IsPlainIdentifier(part) || IsEscapeExempt(part)) return std::string(part);
  if (part.find("\xC2\xBB") != std::string_view::npos) return std::string(part);  // has '»'
  return absl::StrCat("\xC2\xAB", std::string(part), "\xC2\xBB");
}

std::string JoinModuleName(const std::vector<std::string>& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out.push_back('.');
    out += EscapeNamePart(parts[i]);
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> SplitModuleName(std::string_view name) {
  std::vector<std::string> parts;
  auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid module name '", std::string(name), "': ", std::string(why)));
  };
  if (name.empty()) return bad("empty name");
  size_t i = 0;
  while (true) {
    if (i >= name.size()) return bad("empty component");
    size_t len = 0;
    char32_t c = DecodeUtf8At(name, i, &len);
    if (IsIdBeginEscape(c)) {
      size_t start = i + len;
      size_t j = start;
      bool closed = false;
      while (j < name.size()) {
        size_t l2 = 0;
        char32_t d = DecodeUtf8At(name, j, &l2);
        if (IsIdEndEscape(d)) {
          parts.emplace_back(name.substr(start, j - start));
          i = j + l2;
          closed = true;
          break;
        }
        j += l2;
      }
      if (!closed) return bad("unterminated '\xC2\xAB'");
    } else if (IsIdFirst(c)) {
      size_t start = i;
      i += len;
      while (i < name.size()) {
        char32_t d = DecodeUtf8At(name, i, &len);
        if (!IsIdRest(d)) break;
        i += len;
      }
      parts.emplace_back(name.substr(start, i - start));
    } else {
      return bad("component does not start with an identifier character");
    }
    if (i == name.size()) break;
    if (name[i] != '.') return bad("unexpected character after component");
    ++i;
  }
  return parts;
}

std::string ModuleRoot(std::string_view name) {
  auto parts = SplitModuleName(name);
  if (!parts.ok() || parts->empty()) return "";
  return (*parts)[0];
}

}  // namespace leancache::header
