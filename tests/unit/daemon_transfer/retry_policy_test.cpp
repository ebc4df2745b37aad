#include "daemon/transfer/retry_policy.h"

#include <curl/curl.h>
#include <gtest/gtest.h>

namespace leancache::transfer {
namespace {

using std::chrono::milliseconds;

TEST(RetryPolicy, TransientHttpStatuses) {
  for (long s : {408L, 429L, 500L, 502L, 503L, 504L, 599L}) EXPECT_TRUE(IsRetryableHttpStatus(s)) << s;
  for (long s : {200L, 201L, 301L, 400L, 401L, 403L, 404L, 409L, 412L}) {
    EXPECT_FALSE(IsRetryableHttpStatus(s)) << s;
  }
}

TEST(RetryPolicy, TransientCurlCodes) {
  for (CURLcode c : {CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT, CURLE_PARTIAL_FILE,
                     CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_HTTP2_STREAM}) {
    EXPECT_TRUE(IsRetryableCurlCode(c)) << c;
  }
  for (CURLcode c : {CURLE_OK, CURLE_WRITE_ERROR, CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL,
                     CURLE_TOO_MANY_REDIRECTS, CURLE_ABORTED_BY_CALLBACK}) {
    EXPECT_FALSE(IsRetryableCurlCode(c)) << c;
  }
}

TEST(RetryPolicy, BackoffGrowsExponentiallyWithEqualJitterAndCap) {
  RetryPolicy p;
  p.initial_backoff = milliseconds(100);
  p.max_backoff = milliseconds(1000);
  // unit_random 0 -> half of the exponential step; 1 -> the full step.
  EXPECT_EQ(BackoffDelay(p, 1, 0, 0.0), milliseconds(50));
  EXPECT_EQ(BackoffDelay(p, 1, 0, 1.0), milliseconds(100));
  EXPECT_EQ(BackoffDelay(p, 2, 0, 1.0), milliseconds(200));
  EXPECT_EQ(BackoffDelay(p, 3, 0, 0.5), milliseconds(300));
  EXPECT_EQ(BackoffDelay(p, 4, 0, 1.0), milliseconds(800));
  EXPECT_EQ(BackoffDelay(p, 5, 0, 1.0), milliseconds(1000));   // capped
  EXPECT_EQ(BackoffDelay(p, 40, 0, 1.0), milliseconds(1000));  // no overflow
}

TEST(RetryPolicy, RetryAfterRaisesDelayWithinCap) {
  RetryPolicy p;
  p.initial_backoff = milliseconds(100);
  p.max_retry_after = milliseconds(5000);
  EXPECT_EQ(BackoffDelay(p, 1, 2, 0.0), milliseconds(2000));
  EXPECT_EQ(BackoffDelay(p, 1, 3600, 0.0), milliseconds(5000));
}

}  // namespace
}  // namespace leancache::transfer
