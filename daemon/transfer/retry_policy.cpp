#include "daemon/transfer/retry_policy.h"

#include <curl/curl.h>

#include <algorithm>

namespace leancache::transfer {

bool IsRetryableCurlCode(int curl_code) {
  switch (curl_code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_COULDNT_RESOLVE_HOST:
      return true;
    default:
      return false;
  }
}

bool IsRetryableHttpStatus(long http_status) {
  return http_status == 408 || http_status == 429 || (http_status >= 500 && http_status <= 599);
}

std::chrono::milliseconds BackoffDelay(const RetryPolicy& policy, int failed_attempts,
                                       long retry_after_seconds, double unit_random) {
  using std::chrono::milliseconds;
  int shift = std::clamp(failed_attempts - 1, 0, 30);
  long long base = policy.initial_backoff.count();
  long long cap = std::max<long long>(policy.max_backoff.count(), 0);
  long long grown = base;
  for (int i = 0; i < shift && grown < cap; ++i) grown *= 2;
  grown = std::min(grown, cap);
  double r = std::clamp(unit_random, 0.0, 1.0);
  long long delay = grown / 2 + static_cast<long long>(static_cast<double>(grown - grown / 2) * r);
  if (retry_after_seconds > 0) {
    long long server = std::min<long long>(retry_after_seconds * 1000LL,
                                           policy.max_retry_after.count());
    delay = std::max(delay, server);
  }
  return milliseconds(std::max<long long>(delay, 0));
}

}  // namespace leancache::transfer
