// Lean identifier character classes and a tolerant UTF-8 decoder (spec: mathlib-cache.md §2.2).
//
// The classes follow Lean's `Init/Meta` definitions as of toolchain v4.32: `Char.isAlpha` and
// `Char.isAlphanum` are ASCII-only, and every non-ASCII identifier character comes from
// `isLetterLike` (Greek, Coptic, letter-like symbols, math alphanumerics, Latin-1 and Latin
// Extended-A letters) or `isSubScriptAlnum`.
#pragma once

#include <cstddef>
#include <string_view>

namespace leancache::header {

// Lean `isLetterLike`.
bool IsLetterLike(char32_t c);
// Lean `isSubScriptAlnum`.
bool IsSubScriptAlnum(char32_t c);
// Lean `isIdFirst`: ASCII letter, '_', or letter-like.
bool IsIdFirst(char32_t c);
// Lean `isIdRest`: ASCII alphanumeric, '_', '\'', '!', '?', letter-like, subscript alnum.
bool IsIdRest(char32_t c);
// '«' and '»'.
inline bool IsIdBeginEscape(char32_t c) { return c == 0xAB; }
inline bool IsIdEndEscape(char32_t c) { return c == 0xBB; }

// Decodes the code point starting at byte `pos` of `text` and stores its encoded length in
// `*len`. Malformed sequences decode as U+FFFD with length 1, so scanning always progresses.
// `pos` must be < text.size().
char32_t DecodeUtf8At(std::string_view text, size_t pos, size_t* len);

}  // namespace leancache::header
