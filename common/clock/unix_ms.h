#pragma once
// Wall-clock time as the index and the statistics record it: milliseconds since the Unix epoch
// (the system clock, so it can jump when the clock is set; use steady_clock for durations).

#include <chrono>
#include <cstdint>

namespace leancache::clock {

// Milliseconds since 1970-01-01 00:00 UTC, now.
inline int64_t UnixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace leancache::clock
