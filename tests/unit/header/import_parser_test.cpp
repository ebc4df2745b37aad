// Golden cases for Lean's fast header parser (spec: mathlib-cache.md §2.2).
#include "common/header/import_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace leancache::header {
namespace {

// Module names of the parsed imports, or "ERR {line}:{col}: {msg}".
std::vector<std::string> Mods(std::string_view text) {
  auto h = ParseHeader(text);
  if (!h.ok()) return {"ERR " + std::string(h.status().message())};
  std::vector<std::string> out;
  for (const Import& i : h->imports) out.push_back(i.module);
  return out;
}

using V = std::vector<std::string>;

TEST(ParseHeader, EmptyFileImportsInitOnly) {
  EXPECT_EQ(Mods(""), V{"Init"});
  EXPECT_EQ(Mods("   \n\n"), V{"Init"});
  EXPECT_EQ(Mods("theorem x : True := trivial"), V{"Init"});
}

TEST(ParseHeader, PlainImportsInSourceOrderWithDuplicates) {
  EXPECT_EQ(Mods("import Mathlib.Init\nimport Batteries.Data.List\nimport Mathlib.Init\n"),
            (V{"Init", "Mathlib.Init", "Batteries.Data.List", "Mathlib.Init"}));
  EXPECT_EQ(Mods("import A import B"), (V{"Init", "A", "B"}));
  EXPECT_EQ(Mods("import A\n\ndef x := 1\nimport B"), (V{"Init", "A"}));
}

TEST(ParseHeader, Prelude) {
  auto h = ParseHeader("prelude\nimport Init.Core\n");
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->prelude);
  EXPECT_FALSE(h->is_module);
  ASSERT_EQ(h->imports.size(), 1u);
  EXPECT_EQ(h->imports[0].module, "Init.Core");
  EXPECT_EQ(Mods("prelude"), V{});
  EXPECT_FALSE(ParseHeader("import X")->prelude);
}

TEST(ParseHeader, ModuleWithPublicMetaAll) {
  auto h = ParseHeader("module\n\npublic import A\nmeta import B\npublic meta import C\n"
                       "import all D\npublic meta import all E\nimport F\n");
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_TRUE(h->is_module);
  ASSERT_EQ(h->imports.size(), 7u);
  EXPECT_EQ(h->imports[0].module, "Init");
  struct Want { const char* m; bool pub, meta, all; };
  const Want want[] = {{"A", true, false, false}, {"B", false, true, false},
                       {"C", true, true, false},  {"D", false, false, true},
                       {"E", true, true, true},   {"F", false, false, false}};
  for (size_t i = 0; i < 6; ++i) {
    const Import& imp = h->imports[i + 1];
    EXPECT_EQ(imp.module, want[i].m);
    EXPECT_EQ(imp.is_public, want[i].pub) << want[i].m;
    EXPECT_EQ(imp.is_meta, want[i].meta) << want[i].m;
    EXPECT_EQ(imp.is_all, want[i].all) << want[i].m;
  }
}

TEST(ParseHeader, ModuleThenPrelude) {
  auto h = ParseHeader("module\nprelude\npublic import Init.Prelude\n");
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->is_module);
  EXPECT_TRUE(h->prelude);
  EXPECT_EQ(Mods("module\nprelude\npublic import Init.Prelude\n"), V{"Init.Prelude"});
}

TEST(ParseHeader, ModifiersWithoutModuleAreAnError) {
  EXPECT_EQ(Mods("public import A"),
            V{"ERR 1:0: cannot use 'public', 'meta', or 'all' without 'module'"});
  EXPECT_EQ(Mods("import A\nmeta import B"),
            V{"ERR 2:0: cannot use 'public', 'meta', or 'all' without 'module'"});
  EXPECT_EQ(Mods("import A\n  import all B"),
            V{"ERR 2:2: cannot use 'public', 'meta', or 'all' without 'module'"});
}

TEST(ParseHeader, FailedKeywordGroupRollsBackQuietly) {
  EXPECT_EQ(Mods("import A\npublic section\n"), (V{"Init", "A"}));
  EXPECT_EQ(Mods("module\nimport A\npublic section\nimport B"), (V{"Init", "A"}));
  EXPECT_EQ(Mods("module\nimport A\nmeta def x := 1"), (V{"Init", "A"}));
  EXPECT_EQ(Mods("import A\npublic meta section"), (V{"Init", "A"}));
}

TEST(ParseHeader, KeywordsArePrefixesWithoutWordBoundary) {
  EXPECT_EQ(Mods("importFoo"), (V{"Init", "Foo"}));
  EXPECT_EQ(Mods("import A\nimportant"), (V{"Init", "A", "ant"}));
  EXPECT_EQ(Mods("preludeimport X"), V{"X"});
  EXPECT_EQ(Mods("moduleimport X"), (V{"Init", "X"}));
  EXPECT_TRUE(ParseHeader("moduleimport X")->is_module);
  // "all" is a prefix too: `import allFoo` in a module is `import all Foo`.
  auto h = ParseHeader("module\nimport allFoo");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->imports.back().module, "Foo");
  EXPECT_TRUE(h->imports.back().is_all);
  // ... and outside a module it is the modifier error.
  EXPECT_EQ(Mods("import allium"),
            V{"ERR 1:0: cannot use 'public', 'meta', or 'all' without 'module'"});
}

TEST(ParseHeader, LineComments) {
  EXPECT_EQ(Mods("-- comment\nimport A -- trailing\n-- more\nimport B"), (V{"Init", "A", "B"}));
  EXPECT_EQ(Mods("import A --"), (V{"Init", "A"}));
  EXPECT_EQ(Mods("import A\n- import B"), (V{"Init", "A"}));  // single '-' ends the header
}

TEST(ParseHeader, NestedBlockComments) {
  EXPECT_EQ(Mods("/- a /- b -/ c -/ import A"), (V{"Init", "A"}));
  EXPECT_EQ(Mods("/-\nCopyright (c) 2026\n-/\nimport A\n/- x -/ import B"),
            (V{"Init", "A", "B"}));
  EXPECT_EQ(Mods("/- /- /- -/ -/ -/import A"), (V{"Init", "A"}));
  EXPECT_EQ(Mods("/- -/import A /- import B -/ import C"), (V{"Init", "A", "C"}));
}

TEST(ParseHeader, BlockCommentQuirks) {
  // The character right after "/-" is skipped unread, so "/-/- -/" is a single level.
  EXPECT_EQ(Mods("/-/- -/import A"), (V{"Init", "A"}));
  // Inside a comment "-x" skips x: "--/" does not close; "- -/" does.
  EXPECT_EQ(Mods("/- a --/ import A"), V{"ERR 1:17: unterminated comment"});
  EXPECT_EQ(Mods("/- a - -/ import A"), (V{"Init", "A"}));
}

TEST(ParseHeader, DocCommentsEndTheHeader) {
  EXPECT_EQ(Mods("import A\n/-! # Title -/\nimport B"), (V{"Init", "A"}));
  EXPECT_EQ(Mods("import A\n/-- doc -/\nimport B"), (V{"Init", "A"}));
  EXPECT_EQ(Mods("/-! module doc -/ import A"), V{"Init"});
}

TEST(ParseHeader, CrlfLineEndings) {
  EXPECT_EQ(Mods("import A\r\nimport B.C\r\n-- x\r\nimport D\r\n"),
            (V{"Init", "A", "B.C", "D"}));
}

TEST(ParseHeader, TabIsAnError) {
  EXPECT_EQ(Mods("import A\n\timport B"),
            V{"ERR 2:0: tabs are not allowed; please configure your editor to expand them"});
  EXPECT_EQ(Mods("\t"),
            V{"ERR 1:0: tabs are not allowed; please configure your editor to expand them"});
  EXPECT_EQ(Mods("import A\t"),
            V{"ERR 1:8: tabs are not allowed; please configure your editor to expand them"});
  // A tab right after a keyword of the atomic group rolls the group back quietly (as Lean).
  EXPECT_EQ(Mods("import A\nimport\tB"), (V{"Init", "A"}));
  // Tabs inside comments are fine.
  EXPECT_EQ(Mods("-- a\tb\n/- \t -/import A"), (V{"Init", "A"}));
}

TEST(ParseHeader, GuillemetNames) {
  EXPECT_EQ(Mods("import «A B».C"), (V{"Init", "«A B».C"}));
  EXPECT_EQ(Mods("import A.«b-c».«d»"), (V{"Init", "A.«b-c».d"}));  // «d» is a plain id
  EXPECT_EQ(Mods("import «x"), V{"ERR 1:9: unterminated identifier escape"});
}

TEST(ParseHeader, IdentifierCharacters) {
  EXPECT_EQ(Mods("import Mathlib.Algebra.Group_Basic'!?"), (V{"Init", "Mathlib.Algebra.Group_Basic'!?"}));
  EXPECT_EQ(Mods("import _A.b2"), (V{"Init", "_A.b2"}));
  // Letter-like: Greek (not λ), ℕ, Latin-1 letters; subscripts continue an identifier.
  EXPECT_EQ(Mods("import α.ℕ₁.Élan"), (V{"Init", "α.ℕ₁.Élan"}));
  EXPECT_EQ(Mods("import Aλ"), (V{"Init", "A"}));   // λ is not letter-like: stops the ident
  EXPECT_EQ(Mods("import λ"), V{"ERR 1:7: expected identifier"});
  // A dot continues only if the next char can start a part.
  EXPECT_EQ(Mods("import A.1"), (V{"Init", "A"}));
  EXPECT_EQ(Mods("import A. B"), (V{"Init", "A"}));
  EXPECT_EQ(Mods("import A.«B»"), (V{"Init", "A.B"}));
}

TEST(ParseHeader, Errors) {
  EXPECT_EQ(Mods("import"), V{"ERR 1:6: unexpected end of input"});
  EXPECT_EQ(Mods("import "), V{"ERR 1:7: unexpected end of input"});
  EXPECT_EQ(Mods("import 1abc"), V{"ERR 1:7: expected identifier"});
  EXPECT_EQ(Mods("import A\nimport ;"), V{"ERR 2:7: expected identifier"});
  EXPECT_EQ(Mods("/- never closed"), V{"ERR 1:15: unterminated comment"});
  EXPECT_EQ(Mods("import A /-"), V{"ERR 1:11: unterminated comment"});
  // Columns count code points, not bytes.
  EXPECT_EQ(Mods("/- ééé -/ import 9"), V{"ERR 1:17: expected identifier"});
}

TEST(ParseHeader, ErrorCodeIsInvalidArgument) {
  EXPECT_EQ(ParseHeader("import").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace leancache::header
