// The one parallel loop of the code base (verify, pack, `ltar -x -j`): indexes handed out one
// at a time from a shared counter to a few threads, the caller's included, joined before return.
// No threads outlive the call.
#pragma once

#include <cstddef>
#include <functional>

namespace leancache::parallel {

// How many threads to use for `n` items when `requested` were asked for (0: one per core):
// at least 1, at most n.
unsigned WorkerCount(unsigned requested, size_t n);

// Calls `body(i)` once for each i in [0, n) on WorkerCount(threads, n) threads and returns when
// every call has returned. When a call returns false, indexes not yet handed out are skipped
// (calls already running finish). Returns false when the loop stopped early.
bool ParallelFor(size_t n, unsigned threads, const std::function<bool(size_t)>& body);

}  // namespace leancache::parallel
