#pragma once
// When a failed transfer attempt is worth repeating, and how long to wait before the next one
// (bounded exponential backoff with jitter). Mirrors curl's `--retry 5 --retry-all-errors`
// intent without retrying definite answers such as 404 or 403.

#include <chrono>

namespace leancache::transfer {

struct RetryPolicy {
  int max_attempts = 5;                                 // total attempts, >= 1
  std::chrono::milliseconds initial_backoff{250};       // wait after the first failure
  std::chrono::milliseconds max_backoff{8000};          // cap for the exponential growth
  std::chrono::milliseconds max_retry_after{30000};     // cap for a server's Retry-After
};

// Transient transport errors: connect failure, timeout/stall, partial body, connection reset,
// empty reply, send/receive errors, HTTP/2 stream errors, TLS handshake failure.
bool IsRetryableCurlCode(int curl_code);

// Transient HTTP answers: 408, 429 and every 5xx. All other 4xx (and 2xx/3xx) are final.
bool IsRetryableHttpStatus(long http_status);

// Delay before attempt number `failed_attempts + 1`, given `failed_attempts` >= 1 failures so
// far: initial * 2^(failed_attempts-1), capped at max_backoff, then "equal jitter" (half fixed,
// half scaled by `unit_random` in [0, 1)). A server's Retry-After (seconds, 0 = none) raises the
// delay to at least that, capped at max_retry_after.
std::chrono::milliseconds BackoffDelay(const RetryPolicy& policy, int failed_attempts,
                                       long retry_after_seconds, double unit_random);

}  // namespace leancache::transfer
