#include "common/lake/remote_urls.h"

#include <gtest/gtest.h>

#include "common/lake/cache_layout.h"

namespace leancache::lake {
namespace {

TEST(RemoteUrls, S3Layout) {
  EXPECT_EQ(UriEncode("a b!:~._-Z9\xc3\xa9"), "a%20b%21%3A~._-Z9%C3%A9");
  EXPECT_EQ(S3ArtifactUrl("http://h/a0", "test", 0xab), "http://h/a0/test/00000000000000ab.art");
  EXPECT_EQ(S3ArtifactUrl("http://h/artifacts", "Owner/Re po", 1),
            "http://h/artifacts/Owner/Re%20po/0000000000000001.art");
  RemoteScope repo{true, "leanprover/test", "foo", "bar"};
  EXPECT_EQ(S3RevisionUrl("STORE/r0", repo, "REV"), "STORE/r0/leanprover/test/pt/foo/tc/bar/REV.jsonl");
  RemoteScope tauceti{true, "TauCetiProject/TauCeti", std::nullopt, "leanprover/lean4:v4.30.0"};
  EXPECT_EQ(S3RevisionUrl("https://c/revisions", tauceti, "abc"),
            "https://c/revisions/TauCetiProject/TauCeti/tc/leanprover--lean4---v4.30.0/abc.jsonl");
  RemoteScope scope{false, "physlib-master/leanprover-lean4-v4.1/physlib", "p", "t"};
  EXPECT_EQ(S3RevisionUrl("e", scope, "r"), "e/physlib-master/leanprover-lean4-v4.1/physlib/r.jsonl");
  EXPECT_EQ(StripTrailingSlash("http://h/a/"), "http://h/a");
}

TEST(RemoteUrls, Reservoir) {
  RemoteScope pkg{false, "leanprover-community/mathlib", "x86_64-unknown-linux-gnu", "leanprover/lean4:v4.1.0"};
  EXPECT_EQ(ReservoirArtifactUrl("https://r/api/v1", pkg, 2),
            "https://r/api/v1/packages/leanprover-community/mathlib/artifacts/0000000000000002.art");
  EXPECT_EQ(ReservoirBatchUrl("https://r/api/v1", pkg), "https://r/api/v1/packages/leanprover-community/mathlib/artifacts");
  EXPECT_EQ(ReservoirOutputsUrl("https://r/api/v1", pkg, "abc"),
            "https://r/api/v1/packages/leanprover-community/mathlib/build-outputs?rev=abc"
            "&platform=x86_64-unknown-linux-gnu&toolchain=leanprover%2Flean4%3Av4.1.0");
  RemoteScope repo{true, "o/r", std::nullopt, std::nullopt};
  EXPECT_EQ(ReservoirArtifactUrl("a", repo, 3), "a/repositories/o/r/artifacts/0000000000000003.art");
}

TEST(CacheLayout, Paths) {
  EXPECT_EQ(ArtifactsDir("/c"), "/c/artifacts");
  EXPECT_EQ(OutputsFile("/c", "test", 0x1f), "/c/outputs/test/000000000000001f.json");
  EXPECT_EQ(RevisionFile("/c", "test", "deadbeef"), "/c/revisions/test/deadbeef.jsonl");
}

}  // namespace
}  // namespace leancache::lake
