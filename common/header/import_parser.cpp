#include "common/header/import_parser.h"

#include <cctype>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/header/lean_chars.h"
#include "common/header/module_name.h"

namespace leancache::header {
namespace {

// Mirrors `ParseImports.State`. Positions are byte offsets; like Lean's `String.Pos.Raw`, a
// position may step one past the end, which counts as "at end".
struct State {
  size_t pos = 0;
  std::string error;  // empty = no error (every message is non-empty)
  bool bad_modifier = false;
  bool is_module = false;
  bool prelude = false;
  bool is_meta = false, is_exported = false, import_all = false;
  std::vector<Import> imports;
};

class FastParser {
 public:
  explicit FastParser(std::string_view in) : in_(in) {}

  bool AtEnd(size_t p) const { return p >= in_.size(); }
  // Lean `String.Pos.Raw.get`: the default char 'A' past the end.
  char32_t Get(size_t p) const {
    if (AtEnd(p)) return U'A';
    size_t len;
    return DecodeUtf8At(in_, p, &len);
  }
  size_t Next(size_t p) const {
    if (AtEnd(p)) return p + 1;
    size_t len;
    DecodeUtf8At(in_, p, &len);
    return p + len;
  }

  void Whitespace(State& s) const {
    while (true) {
      const size_t i = s.pos;
      if (AtEnd(i)) return;
      const char32_t c = Get(i);
      if (c == '\t') {
        s.error = "tabs are not allowed; please configure your editor to expand them";
        return;
      }
      if (c == ' ' || c == '\r' || c == '\n') {
        s.pos = Next(i);
      } else if (c == '-') {
        const size_t j = Next(i);
        if (Get(j) != '-') return;
        s.pos = Next(j);
        while (!AtEnd(s.pos) && Get(s.pos) != '\n') s.pos = Next(s.pos);
      } else if (c == '/') {
        size_t j = Next(i);
        if (Get(j) != '-') return;
        j = Next(j);
        const char32_t d = Get(j);
        if (d == '-' || d == '!') return;  // "/--" and "/-!" are doc-comment tokens
        s.pos = Next(j);                     // sic: the char after "/-" is skipped unread
        FinishCommentBlock(s);
        if (!s.error.empty()) return;
      } else {
        return;
      }
    }
  }

  void FinishCommentBlock(State& s) const {
    int nesting = 1;
    while (true) {
      size_t i = s.pos;
      if (AtEnd(i)) {
        s.error = "unterminated comment";
        return;
      }
      const char32_t curr = Get(i);
      i = Next(i);
      if (curr == '-') {
        if (AtEnd(i)) {
          s.error = "unterminated comment";
          return;
        }
        if (Get(i) == '/') {
          s.pos = Next(i);
          if (nesting == 1) return;
          --nesting;
        } else {
          s.pos = Next(i);  // sic: skips the char after '-'
        }
      } else if (curr == '/') {
        if (AtEnd(i)) {
          s.error = "unterminated comment";
          return;
        }
        if (Get(i) == '-') {
          ++nesting;
          s.pos = Next(i);
        } else {
          s.pos = i;
        }
      } else {
        s.pos = i;
      }
    }
  }

  // Lean `keywordCore`: on a literal-prefix match moves past `k`, runs whitespace and returns
  // true; otherwise leaves `s` untouched and returns false.
  bool Keyword(State& s, std::string_view k) const {
    if (s.pos > in_.size() || in_.size() - s.pos < k.size()) return false;
    if (in_.compare(s.pos, k.size(), k) != 0) return false;
    s.pos += k.size();
    Whitespace(s);
    return true;
  }

  bool IsIdCont(const State& s) const {
    if (Get(s.pos) != '.') return false;
    const size_t i = Next(s.pos);
    if (AtEnd(i)) return false;
    const char32_t c = Get(i);
    return IsIdFirst(c) || IsIdBeginEscape(c);
  }

  // Lean `isIdRestFast`.
  static bool IsIdRestFast(char32_t c) {
    return (c < 0x80 && (std::isalnum(static_cast<int>(c)) != 0)) ||
           (c != '.' && c != '\n' && c != ' ' &&
            (c == '_' || c == '\'' || c == '!' || c == '?' || IsLetterLike(c) ||
             IsSubScriptAlnum(c)));
  }

  void ModuleIdent(State& s) const {
    std::vector<std::string> parts;
    while (true) {
      const size_t i = s.pos;
      if (AtEnd(i)) {
        s.error = "unexpected end of input";
        return;
      }
      const char32_t curr = Get(i);
      if (IsIdBeginEscape(curr)) {
        const size_t start = Next(i);
        s.pos = start;
        while (!AtEnd(s.pos) && !IsIdEndEscape(Get(s.pos))) s.pos = Next(s.pos);
        if (AtEnd(s.pos)) {
          s.error = "unterminated identifier escape";
          return;
        }
        parts.emplace_back(in_.substr(start, s.pos - start));
        s.pos = Next(s.pos);
      } else if (IsIdFirst(curr)) {
        s.pos = Next(i);
        while (!AtEnd(s.pos) && IsIdRestFast(Get(s.pos))) s.pos = Next(s.pos);
        parts.emplace_back(in_.substr(i, s.pos - i));
      } else {
        s.error = "expected identifier";
        return;
      }
      if (IsIdCont(s)) {
        s.pos = Next(s.pos);
        continue;
      }
      Import imp;
      imp.module = JoinModuleName(parts);
      imp.is_meta = s.is_meta;
      imp.is_all = s.import_all;
      imp.is_public = s.is_exported;
      s.imports.push_back(std::move(imp));
      Whitespace(s);
      s.is_meta = false;
      s.import_all = false;
      s.is_exported = false;
      return;
    }
  }

  // One `[public] [meta] import [all] ident` group. The keyword part is atomic: on error the
  // position goes back to where the group started.
  void ImportGroup(State& s) const {
    const size_t start = s.pos;
    if (Keyword(s, "public")) {
      if (s.is_module) s.is_exported = true; else s.bad_modifier = true;
    }
    if (s.error.empty() && Keyword(s, "meta")) {
      if (s.is_module) s.is_meta = true; else s.bad_modifier = true;
    }
    if (s.error.empty() && !Keyword(s, "import")) s.error = "`import` expected";
    if (!s.error.empty()) {
      s.pos = start;
      return;
    }
    if (Keyword(s, "all")) {
      if (s.is_module) s.import_all = true; else s.bad_modifier = true;
    }
    if (!s.error.empty()) return;
    ModuleIdent(s);
  }

  void ManyImports(State& s) const {
    while (true) {
      const size_t start = s.pos;
      ImportGroup(s);
      if (!s.error.empty()) {
        if (s.pos == start) {
          s.error.clear();
          s.bad_modifier = false;
        }
        return;
      }
      if (s.bad_modifier) {
        s.pos = start;
        s.bad_modifier = false;
        s.error = "cannot use 'public', 'meta', or 'all' without 'module'";
        return;
      }
    }
  }

  void Main(State& s) const {
    Whitespace(s);
    if (!s.error.empty()) return;
    s.is_module = Keyword(s, "module");
    if (!s.error.empty()) return;
    s.prelude = Keyword(s, "prelude");
    if (!s.prelude) s.imports.push_back(Import{"Init"});
    if (!s.error.empty()) return;
    ManyImports(s);
  }

  // Lean `FileMap.toPosition`: 1-based line, 0-based column in code points.
  std::string Position(size_t pos) const {
    if (pos > in_.size()) pos = in_.size();
    size_t line = 1, line_start = 0;
    for (size_t k = 0; k < pos; ++k) {
      if (in_[k] == '\n') {
        ++line;
        line_start = k + 1;
      }
    }
    size_t col = 0;
    for (size_t k = line_start; k < pos;) {
      size_t len;
      DecodeUtf8At(in_, k, &len);
      k += len;
      ++col;
    }
    return absl::StrCat(line, ":", col);
  }

 private:
  std::string_view in_;
};

}  // namespace

absl::StatusOr<Header> ParseHeader(std::string_view text) {
  FastParser parser(text);
  State s;
  parser.Main(s);
  if (!s.error.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(parser.Position(s.pos), ": ", s.error));
  }
  Header h;
  h.is_module = s.is_module;
  h.prelude = s.prelude;
  h.imports = std::move(s.imports);
  return h;
}

}  // namespace leancache::header
