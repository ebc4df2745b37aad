#include "common/workspace/cache_dir.h"

#include <gtest/gtest.h>

namespace leancache::workspace {
namespace {

TEST(CacheDir, Precedence) {
  EXPECT_EQ(ResolveCacheDir({{"MATHLIB_CACHE_DIR", "/c"}, {"XDG_CACHE_HOME", "/x"}, {"HOME", "/h"}}),
            "/c");
  EXPECT_EQ(ResolveCacheDir({{"XDG_CACHE_HOME", "/x"}, {"HOME", "/h"}}), "/x/mathlib");
  EXPECT_EQ(ResolveCacheDir({{"HOME", "/h"}}), "/h/.cache/mathlib");
  EXPECT_EQ(ResolveCacheDir({}), ".cache");
  EXPECT_EQ(ResolveCacheDir({{"MATHLIB_CACHE_DIR", "rel/dir"}}), "rel/dir");  // verbatim
  EXPECT_EQ(ResolveCacheDir({{"XDG_CACHE_HOME", "/x/"}}), "/x/mathlib");
}

TEST(CacheDir, EmptyVariablesCountAsSet) {
  EXPECT_EQ(ResolveCacheDir({{"MATHLIB_CACHE_DIR", ""}, {"HOME", "/h"}}), "");
  EXPECT_EQ(ResolveCacheDir({{"XDG_CACHE_HOME", ""}, {"HOME", "/h"}}), "/mathlib");
  EXPECT_EQ(ResolveCacheDir({{"HOME", ""}}), "/.cache/mathlib");
}

TEST(CacheDir, WindowsVariablesAreIgnoredOnPosix) {
  EXPECT_EQ(ResolveCacheDir({{"HOMEDRIVE", "C:"}, {"HOMEPATH", "\\Users\\a"}}), ".cache");
}

}  // namespace
}  // namespace leancache::workspace
