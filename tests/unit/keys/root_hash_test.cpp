#include "common/keys/root_hash.h"

#include <gtest/gtest.h>

#include "common/hash/lean_hash.h"
#include "tests/unit/workspace/temp_tree.h"

namespace leancache::keys {
namespace {

using leancache::testing::TempTree;

// The derived vector of lean-hash.json / spec §14.
void WriteVectorInputs(const TempTree& t) {
  t.Write("lakefile.lean", "-- lakefile\n");
  t.Write("lean-toolchain", "leanprover/lean4:v4.32.0-rc1\n");
  t.Write("lake-manifest.json", "{}\n");
}

constexpr uint64_t kVectorRoot = 9729620696893317382ULL;

TEST(RootHash, DerivedVectorWithGenerationFromIoLean) {
  TempTree t;
  WriteVectorInputs(t);
  t.Write("Cache/IO.lean", "namespace Cache.IO\n\ndef rootHashGeneration : UInt64 := 4\n");
  auto r = ComputeRootHash(t.root(), {}, nullptr);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->root_hash, kVectorRoot);
  EXPECT_EQ(r->generation, 4u);
  EXPECT_EQ(r->era, "current");
}

TEST(RootHash, GenerationSources) {
  TempTree t;
  WriteVectorInputs(t);
  // No Cache/IO.lean: default generation 4.
  EXPECT_EQ(ComputeRootHash(t.root(), {}, nullptr)->root_hash, kVectorRoot);
  // Another generation in IO.lean changes the hash; the option overrides the file.
  t.Write("Cache/IO.lean", "def rootHashGeneration : UInt64 := 5\n");
  auto g5 = ComputeRootHash(t.root(), {}, nullptr);
  ASSERT_TRUE(g5.ok());
  EXPECT_EQ(g5->generation, 5u);
  EXPECT_NE(g5->root_hash, kVectorRoot);
  std::vector<uint64_t> items = {5, hash::StringHash("-- lakefile\n"),
                                 hash::StringHash("leanprover/lean4:v4.32.0-rc1\n"),
                                 hash::StringHash("{}\n")};
  EXPECT_EQ(g5->root_hash, hash::ListHash(items));
  RootHashOptions opt;
  opt.generation = 4;
  EXPECT_EQ(ComputeRootHash(t.root(), opt, nullptr)->root_hash, kVectorRoot);
  for (uint64_t g = 0; g <= 5; ++g) {
    opt.generation = g;
    items[0] = g;
    EXPECT_EQ(ComputeRootHash(t.root(), opt, nullptr)->root_hash, hash::ListHash(items)) << g;
  }
}

TEST(RootHash, ParseRootHashGeneration) {
  EXPECT_EQ(ParseRootHashGeneration("def rootHashGeneration : UInt64 := 4"), 4u);
  EXPECT_EQ(ParseRootHashGeneration("def rootHashGeneration : UInt64 :=\n  0x1f\n"), 0x1fu);
  EXPECT_EQ(ParseRootHashGeneration("-- see rootHashGeneration\ndef rootHashGeneration := 3"), 3u);
  EXPECT_EQ(ParseRootHashGeneration("def myrootHashGeneration : UInt64 := 9"), std::nullopt);
  EXPECT_EQ(ParseRootHashGeneration("def rootHashGenerationX : UInt64 := 9"), std::nullopt);
  EXPECT_EQ(ParseRootHashGeneration("nothing here"), std::nullopt);
}

TEST(RootHash, GithashEras) {
  TempTree t;
  WriteVectorInputs(t);
  t.Write("Cache/IO.lean", "-- old Mathlib: no generation constant\n");
  auto missing = ComputeRootHash(t.root(), {}, nullptr);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(missing.status().message().find("githash"), std::string::npos);

  const std::string githash = "819816b2e0a3bf405af45ae5c7af2491d8f5bee6";
  const uint64_t h1 = hash::StringHash("-- lakefile\n"),
                 h2 = hash::StringHash("leanprover/lean4:v4.32.0-rc1\n"), h3 = hash::StringHash("{}\n");
  RootHashOptions opt;
  opt.githash = githash;
  auto old = ComputeRootHash(t.root(), opt, nullptr);
  ASSERT_TRUE(old.ok()) << old.status();
  EXPECT_EQ(old->era, "githash");
  EXPECT_EQ(old->root_hash, hash::ListHash({hash::StringHash(githash), h1, h2, h3}));

  // Generation + githash (2025-04..06): IO.lean has the constant and Hashing.lean uses githash.
  t.Write("Cache/IO.lean", "def rootHashGeneration : UInt64 := 0\n");
  t.Write("Cache/Hashing.lean", "... hash Lean.githash ...\n");
  auto mid = ComputeRootHash(t.root(), opt, nullptr);
  ASSERT_TRUE(mid.ok());
  EXPECT_EQ(mid->era, "generation+githash");
  EXPECT_EQ(mid->root_hash, hash::ListHash({0, hash::StringHash(githash), h1, h2, h3}));
  // Without a githash the current formula applies.
  EXPECT_EQ(ComputeRootHash(t.root(), {}, nullptr)->root_hash, hash::ListHash({0, h1, h2, h3}));

  RootHashOptions files_only;
  files_only.era = RootHashEra::kFilesOnly;
  EXPECT_EQ(ComputeRootHash(t.root(), files_only, nullptr)->root_hash, hash::ListHash({h1, h2, h3}));
  RootHashOptions vs;
  vs.era = RootHashEra::kVersionString;
  EXPECT_FALSE(ComputeRootHash(t.root(), vs, nullptr).ok());
  vs.version_string = "4.2.0";
  EXPECT_EQ(ComputeRootHash(t.root(), vs, nullptr)->root_hash,
            hash::ListHash({hash::StringHash("4.2.0"), h1, h2, h3}));
}

TEST(RootHash, MissingOrBadInputNamesTheFile) {
  TempTree t;
  WriteVectorInputs(t);
  std::filesystem::remove(t / "lean-toolchain");
  auto r = ComputeRootHash(t.root(), {}, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find((t / "lean-toolchain").string()), std::string::npos) << r.status();
  t.Write("lean-toolchain", "\xff\xfe");
  r = ComputeRootHash(t.root(), {}, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("not valid UTF-8"), std::string::npos);
  EXPECT_NE(r.status().message().find((t / "lean-toolchain").string()), std::string::npos);
}

TEST(RootHash, CrlfInputsHashLikeLf) {
  TempTree t;
  t.Write("lakefile.lean", "-- lakefile\r\n");
  t.Write("lean-toolchain", "leanprover/lean4:v4.32.0-rc1\r\n");
  t.Write("lake-manifest.json", "{}\r\n");
  EXPECT_EQ(ComputeRootHash(t.root(), {}, nullptr)->root_hash, kVectorRoot);
}

}  // namespace
}  // namespace leancache::keys
