// Lean's fast module-header parser (`Lean.Elab.ParseImportsFast`, `parseImports'`) as used by
// Mathlib's cache to find a file's imports (spec: mathlib-cache.md §2.2).
//
// Grammar (toolchains with the module system, v4.22+):
//   header := ws ["module" ws] ["prelude" ws]
//             { ["public" ws] ["meta" ws] "import" ws ["all" ws] ident ws }*
//   ws     := { ' ' | '\r' | '\n' | "--…\n" | nested "/-…-/" }*
// Keywords are literal prefixes without a word-boundary check ("importFoo" imports Foo).
// `/--` and `/-!` are tokens, so a doc comment ends the header. A keyword group that fails
// before any module name (e.g. `public section`) rolls back and ends the header quietly.
// Quirks of Lean's implementation are kept: the character right after "/-" is skipped unread,
// and inside a block comment "-x" skips x (so "--/" does not close a comment).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace leancache::header {

// One import. `module` is the canonical dotted name (Name.toString, «»-escaped where needed).
// The flags record the keywords written in the source (`public`, `meta`, `import all`).
struct Import {
  std::string module;
  bool is_public = false, is_meta = false, is_all = false;
};

// A parsed header. `imports` are in source order, duplicates kept, and start with the implicit
// `Init` import unless `prelude` was given.
struct Header {
  bool is_module = false;
  bool prelude = false;
  std::vector<Import> imports;
};

// Parses the header of Lean source `text` (the raw file text, CRLF allowed).
// Errors (InvalidArgument) carry Lean's message as "{line}:{col}: {message}" with a 1-based line
// and a 0-based column counted in code points; the caller prefixes "{module}:". Messages:
// "tabs are not allowed; please configure your editor to expand them", "unterminated comment",
// "unexpected end of input", "expected identifier", "unterminated identifier escape",
// "cannot use 'public', 'meta', or 'all' without 'module'".
absl::StatusOr<Header> ParseHeader(std::string_view text);

}  // namespace leancache::header
