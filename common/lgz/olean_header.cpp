#include "common/lgz/olean_header.h"

#include <cstring>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "common/lgz/byte_io.h"

namespace leancache::lgz {
namespace {

constexpr std::string_view kV0Magic = "oleanfile!!!!!!!";
// LGZ2 version forms: [major != 0, minor, patch, rc-1] or [0, 33 raw bytes]. The encoder only
// produces major 4; the decoder renders any major.
constexpr uint8_t kVersionRaw = 0;

// Parses a decimal u8 the way Rust's `u8::from_str` does: optional '+', >= 1 digit, <= 255.
std::optional<uint8_t> ParseU8(std::string_view s) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  unsigned v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + unsigned(c - '0');
    if (v > 255) return std::nullopt;
  }
  return static_cast<uint8_t>(v);
}

// `4.<u8>.<u8>[-rc<u8>]` (text up to the first NUL) -> {minor, patch, rc-1 or 0xFF}.
std::optional<std::array<uint8_t, 3>> CompactVersion(const std::array<char, 33>& field) {
  std::string_view s(field.data(), field.size());
  s = s.substr(0, s.find('\0'));
  if (s.substr(0, 2) != "4.") return std::nullopt;
  s.remove_prefix(2);
  size_t dot = s.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  auto minor = ParseU8(s.substr(0, dot));
  std::string_view rest = s.substr(dot + 1);
  uint8_t rc = 0xFF;
  size_t rcpos = rest.find("-rc");
  if (rcpos != std::string_view::npos) {
    auto n = ParseU8(rest.substr(rcpos + 3));
    if (!n) return std::nullopt;
    rc = static_cast<uint8_t>(*n - 1);
    rest = rest.substr(0, rcpos);
  }
  auto patch = ParseU8(rest);
  if (!minor || !patch) return std::nullopt;
  return std::array<uint8_t, 3>{*minor, *patch, rc};
}

std::array<char, 33> RenderVersion(uint8_t major, uint8_t minor, uint8_t patch, uint8_t rc) {
  std::string text = absl::StrFormat("%d.%d.%d", major, minor, patch);
  if (rc != 0xFF) absl::StrAppendFormat(&text, "-rc%d", int{rc} + 1);
  std::array<char, 33> out{};
  std::memcpy(out.data(), text.data(), text.size());  // at most 17 bytes
  return out;
}

absl::Status Truncated(std::string_view what) {
  return absl::InvalidArgumentError(absl::StrFormat("%s: truncated header", what));
}

}  // namespace

size_t OleanHeader::size() const { return version == 0 ? 32 : version == 1 ? 64 : 96; }
size_t OleanHeader::base_offset() const { return size() - 16; }
size_t OleanHeader::root_offset() const { return size() - 8; }

absl::StatusOr<OleanHeader> ParseOleanHeader(std::string_view file, std::string_view what) {
  OleanHeader h;
  if (file.substr(0, 16) == kV0Magic) {
    h.version = 0;
  } else if (file.size() >= 6 && file.substr(0, 5) == "olean") {
    h.version = static_cast<uint8_t>(file[5]);
    if (h.version != 1 && h.version != 2) {
      return absl::InvalidArgumentError(absl::StrFormat("%s: unsupported olean version %d", what, h.version));
    }
  } else {
    return absl::InvalidArgumentError(absl::StrFormat("%s: not an olean file", what));
  }
  if (file.size() < h.size()) return Truncated(what);
  const uint8_t* p = Bytes(file);
  if (h.version == 1) {
    std::memcpy(h.githash.data(), p + 6, 40);
    h.reserved = Load16(p + 46);
    if (h.reserved != 0) {
      return absl::InvalidArgumentError(absl::StrFormat("%s: olean v1 reserved bytes are not zero", what));
    }
  } else if (h.version == 2) {
    uint8_t flags = p[6];
    if (flags > 1) return absl::InvalidArgumentError(absl::StrFormat("%s: unknown olean flags 0x%x", what, flags));
    h.gmp = (flags & 1) != 0;
    std::memcpy(h.lean_version.data(), p + 7, 33);
    std::memcpy(h.githash.data(), p + 40, 40);
  }
  h.base = Load64(p + h.base_offset());
  h.root = Load64(p + h.root_offset());
  if (h.base % 65536 != 0 || h.base >= (uint64_t{1} << 48)) {
    return absl::InvalidArgumentError(absl::StrFormat("%s: olean base 0x%x is not a 64 KiB aligned address below 2^48", what, h.base));
  }
  return h;
}

std::string RenderOleanHeader(const OleanHeader& h) {
  std::string out;
  out.reserve(h.size());
  if (h.version == 0) {
    out.append(kV0Magic);
  } else {
    out.append("olean");
    out.push_back(static_cast<char>(h.version));
    if (h.version == 1) {
      out.append(h.githash.data(), 40);
      Append16(out, h.reserved);
    } else {
      out.push_back(h.gmp ? 1 : 0);
      out.append(h.lean_version.data(), 33);
      out.append(h.githash.data(), 40);
    }
  }
  Append64(out, h.base);
  Append64(out, h.root);
  return out;
}

void WriteLgzHeader(const OleanHeader& h, uint64_t span, std::string& out) {
  out.append(h.version == 0 ? "LGZ!" : h.version == 1 ? "LGZ1" : "LGZ2");
  Append32(out, static_cast<uint32_t>(h.base >> 16));
  Append64(out, span);
  if (h.version >= 1) out.append(h.githash.data(), 40);
  if (h.version == 2) {
    out.push_back(h.gmp ? 1 : 0);
    if (auto v = CompactVersion(h.lean_version)) {
      out.push_back(4);
      out.append(reinterpret_cast<const char*>(v->data()), 3);
    } else {
      out.push_back(static_cast<char>(kVersionRaw));
      out.append(h.lean_version.data(), 33);
    }
  }
}

absl::StatusOr<OleanHeader> ReadLgzHeader(std::string_view lgz, size_t* consumed, uint64_t* span) {
  constexpr std::string_view kWhat = "LGZ stream";
  if (lgz.size() < 16) return Truncated(kWhat);
  OleanHeader h;
  std::string_view magic = lgz.substr(0, 4);
  if (magic == "LGZ!") {
    h.version = 0;
  } else if (magic == "LGZ1") {
    h.version = 1;
  } else if (magic == "LGZ2") {
    h.version = 2;
  } else {
    return absl::InvalidArgumentError("LGZ stream: bad magic");
  }
  const uint8_t* p = Bytes(lgz);
  h.base = uint64_t{Load32(p + 4)} << 16;
  *span = Load64(p + 8);
  size_t pos = 16;
  if (h.version >= 1) {
    if (lgz.size() < pos + 40) return Truncated(kWhat);
    std::memcpy(h.githash.data(), p + pos, 40);
    pos += 40;
  }
  if (h.version == 2) {
    if (lgz.size() < pos + 2) return Truncated(kWhat);
    h.gmp = (p[pos++] & 1) != 0;  // other flag bits are dropped, as by leantar
    uint8_t major = p[pos++];
    if (major != kVersionRaw) {
      if (lgz.size() < pos + 3) return Truncated(kWhat);
      h.lean_version = RenderVersion(major, p[pos], p[pos + 1], p[pos + 2]);
      pos += 3;
    } else {
      if (lgz.size() < pos + 33) return Truncated(kWhat);
      std::memcpy(h.lean_version.data(), p + pos, 33);
      pos += 33;
    }
  }
  *consumed = pos;
  return h;
}

}  // namespace leancache::lgz
