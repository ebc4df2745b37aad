// Reservoir's batch URL reply (spec lake-native-cache-2026.md §3.5): the URLs in order, or a
// clear error for an error object, a wrong count, a non-URL element or a body that is not JSON.

#include "daemon/lake/reservoir_batch.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

namespace leancache::lake {
namespace {

const std::string kOrigin = "http://127.0.0.1:1/api/v1/repositories/o/r/artifacts";

TEST(ReservoirBatchReply, DataArrayGivesTheUrlsInOrder) {
  auto urls = ParseReservoirBatchReply(R"({"data": ["https://cdn/a.art", "http://cdn/b.art"]})", 2, kOrigin);
  ASSERT_TRUE(urls.ok()) << urls.status();
  EXPECT_EQ(*urls, (std::vector<std::string>{"https://cdn/a.art", "http://cdn/b.art"}));
}

TEST(ReservoirBatchReply, ErrorObjectIsAReservoirErrorWithItsStatusAndMessage) {
  auto urls = ParseReservoirBatchReply(R"({"error": {"status": 429, "message": "slow down"}})", 1, kOrigin);
  ASSERT_FALSE(urls.ok());
  EXPECT_EQ(urls.status().message(), absl::StrCat("Reservoir error (status 429): slow down: ", kOrigin));
}

TEST(ReservoirBatchReply, WrongNumberOfResultsIsRefused) {
  auto urls = ParseReservoirBatchReply(R"({"data": ["https://cdn/a.art"]})", 2, kOrigin);
  ASSERT_FALSE(urls.ok());
  EXPECT_NE(urls.status().message().find("Incorrect number of results: expected 2, got 1"), std::string::npos)
      << urls.status();
}

TEST(ReservoirBatchReply, ElementsMustBeHttpUrls) {
  for (const char* body : {R"({"data": ["file:///etc/passwd"]})", R"({"data": [7]})", R"({"data": [null]})"}) {
    auto urls = ParseReservoirBatchReply(body, 1, kOrigin);
    ASSERT_FALSE(urls.ok()) << body;
    EXPECT_NE(urls.status().message().find("element 0 is not an http(s) URL"), std::string::npos) << urls.status();
  }
}

TEST(ReservoirBatchReply, NotJsonOrNoDataIsNamed) {
  auto bad = ParseReservoirBatchReply("<html>gateway</html>", 1, kOrigin);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("Reservoir reply is not JSON"), std::string::npos) << bad.status();
  auto none = ParseReservoirBatchReply(R"({"urls": []})", 0, kOrigin);
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("no `data` array"), std::string::npos) << none.status();
}

}  // namespace
}  // namespace leancache::lake
