// How failed transfers and unpacks map to the error kinds `stats` counts.
#include "daemon/stats/error_kind.h"

#include <curl/curl.h>
#include <gtest/gtest.h>

namespace leancache::stats {
namespace {

transfer::Result Failed(long http, int curl, std::string error = "") {
  transfer::Result r;
  r.verdict = transfer::Verdict::kFailed;
  r.http_status = http;
  r.curl_code = curl;
  r.error = std::move(error);
  return r;
}

TEST(ErrorKind, Transfers) {
  EXPECT_EQ(ClassifyTransferFailure(Failed(503, CURLE_OK)), ErrorKind::kHttp5xx);
  EXPECT_EQ(ClassifyTransferFailure(Failed(500, CURLE_OK)), ErrorKind::kHttp5xx);
  EXPECT_EQ(ClassifyTransferFailure(Failed(401, CURLE_OK)), ErrorKind::kHttp4xx);
  EXPECT_EQ(ClassifyTransferFailure(Failed(0, CURLE_OPERATION_TIMEDOUT)), ErrorKind::kTimeout);
  EXPECT_EQ(ClassifyTransferFailure(Failed(200, CURLE_RECV_ERROR)), ErrorKind::kReset);
  EXPECT_EQ(ClassifyTransferFailure(Failed(0, CURLE_GOT_NOTHING)), ErrorKind::kReset);
  EXPECT_EQ(ClassifyTransferFailure(Failed(0, CURLE_COULDNT_CONNECT)), ErrorKind::kConnect);
  EXPECT_EQ(ClassifyTransferFailure(Failed(0, CURLE_SSL_CONNECT_ERROR)), ErrorKind::kTls);
  EXPECT_EQ(ClassifyTransferFailure(Failed(200, CURLE_OK, "body has 5 bytes but Content-Length is 9")),
            ErrorKind::kReset);
  EXPECT_EQ(ClassifyTransferFailure(Failed(200, CURLE_WRITE_ERROR, "cannot write /c/x.part: No space left on device")),
            ErrorKind::kDiskFull);
  EXPECT_EQ(ClassifyTransferFailure(Failed(200, CURLE_OK, "not a valid archive: bad magic")),
            ErrorKind::kCorruptArchive);
  auto full = Failed(200, CURLE_WRITE_ERROR);
  full.refused_room = true;
  EXPECT_EQ(ClassifyTransferFailure(full), ErrorKind::kCacheFull);
  EXPECT_EQ(ClassifyTransferFailure(Failed(200, CURLE_OK, "something else")), ErrorKind::kOther);
}

TEST(ErrorKind, Unpacks) {
  EXPECT_EQ(ClassifyUnpackFailure(absl::DataLossError("bad zstd frame")), ErrorKind::kUnpackFailed);
  EXPECT_EQ(ClassifyUnpackFailure(absl::ResourceExhaustedError("write x: No space left on device")),
            ErrorKind::kDiskFull);
}

TEST(ErrorKind, NamesAreStable) {
  EXPECT_EQ(ErrorKindName(ErrorKind::kHttp4xx), "http_4xx");
  EXPECT_EQ(ErrorKindName(ErrorKind::kCorruptArchive), "corrupt_archive");
  EXPECT_EQ(ErrorKindName(ErrorKind::kCacheFull), "cache_full");
  EXPECT_EQ(ErrorKindName(ErrorKind::kOther), "other");
}

}  // namespace
}  // namespace leancache::stats
