#pragma once
// Tuning knobs of the HTTP transport: parallelism, timeouts, retries, redirects.

#include <chrono>
#include <string>

#include "daemon/transfer/retry_policy.h"

namespace leancache::transfer {

struct TransportOptions {
  // At most this many transfers are in flight (handed to libcurl) at once; the rest wait in a
  // FIFO queue. Retries waiting out their backoff do not count.
  int max_concurrent = 16;
  // At most this many connections to one host (CURLMOPT_MAX_HOST_CONNECTIONS); transfers beyond
  // it wait inside libcurl for a free connection, or share one via HTTP/2 multiplexing.
  int max_per_host = 8;
  // Idle connections kept for reuse (CURLMOPT_MAXCONNECTS); 0 = 2 * max_concurrent.
  int max_idle_connections = 0;

  std::chrono::milliseconds connect_timeout{10000};
  // A transfer slower than low_speed_limit bytes/s for low_speed_time fails with a timeout
  // (curl error 28) — this is what catches a stalled server.
  long low_speed_limit = 1024;
  std::chrono::seconds low_speed_time{30};
  // Hard cap on one attempt's duration; 0 = none.
  std::chrono::milliseconds attempt_timeout{0};

  RetryPolicy retry;

  // Threads that fsync delivered downloads and run their completion callbacks, off the
  // network thread. An fsync mostly waits for the disk, and concurrent ones share the file
  // system's journal commits: 1 000 small files took 0.21-0.27 s to fsync with 16 threads,
  // 0.31-0.45 s with 4 (ext4 here), so there are more threads than cores.
  int sync_threads = 16;

  // Minimum time between two progress callbacks of one transfer.
  std::chrono::milliseconds progress_interval{100};

  // Offer HTTP/2 over TLS (ALPN) and multiplex streams on one connection when the server agrees.
  bool http2 = true;
  // GETs follow up to max_redirects redirects, to https only unless allow_http_redirects (tests).
  int max_redirects = 5;
  bool allow_http_redirects = false;

  std::string user_agent = "leancache/0.1";
  // PEM bundle to trust instead of the system store (tests with a self-signed peer); "" = system.
  std::string ca_file;
};

}  // namespace leancache::transfer
