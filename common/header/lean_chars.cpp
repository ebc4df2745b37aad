#include "common/header/lean_chars.h"

namespace leancache::header {

bool IsLetterLike(char32_t c) {
  return (0x3b1 <= c && c <= 0x3c9 && c != 0x3bb) ||                // lower Greek except λ
         (0x391 <= c && c <= 0x3a9 && c != 0x3a0 && c != 0x3a3) ||  // upper Greek except Π Σ
         (0x3ca <= c && c <= 0x3fb) ||                              // Coptic
         (0x1f00 <= c && c <= 0x1ffe) ||                            // polytonic Greek
         (0x2100 <= c && c <= 0x214f) ||                            // letter-like symbols
         (0x1d49c <= c && c <= 0x1d59f) ||                          // script/double-struck/Fraktur
         (0xc0 <= c && c <= 0xff && c != 0xd7 && c != 0xf7) ||      // Latin-1 letters
         (0x100 <= c && c <= 0x17f);                                // Latin Extended-A
}

bool IsSubScriptAlnum(char32_t c) {
  return (0x2080 <= c && c <= 0x2089) || (0x2090 <= c && c <= 0x209c) ||
         (0x1d62 <= c && c <= 0x1d6a) || c == 0x2c7c;
}

namespace {
bool IsAsciiAlpha(char32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiDigit(char32_t c) { return c >= '0' && c <= '9'; }
}  // namespace

bool IsIdFirst(char32_t c) { return IsAsciiAlpha(c) || c == '_' || IsLetterLike(c); }

bool IsIdRest(char32_t c) {
  return IsAsciiAlpha(c) || IsAsciiDigit(c) || c == '_' || c == '\'' || c == '!' || c == '?' ||
         IsLetterLike(c) || IsSubScriptAlnum(c);
}

char32_t DecodeUtf8At(std::string_view text, size_t pos, size_t* len) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  const unsigned char c = p[pos];
  size_t need;
  char32_t cp;
  if (c < 0x80) {
    *len = 1;
    return c;
  } else if ((c & 0xE0) == 0xC0) {
    need = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    need = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    need = 4;
    cp = c & 0x07;
  } else {
    *len = 1;
    return 0xFFFD;
  }
  if (pos + need > n) {
    *len = 1;
    return 0xFFFD;
  }
  for (size_t k = 1; k < need; ++k) {
    if ((p[pos + k] & 0xC0) != 0x80) {
      *len = 1;
      return 0xFFFD;
    }
    cp = (cp << 6) | (p[pos + k] & 0x3F);
  }
  *len = need;
  return cp;
}

}  // namespace leancache::header
