#pragma once
// Which archives leave a capped CACHEDIR first (the bounded cache's eviction policy).
//
// Policy, in order:
//   1. an archive a running request has pinned (being downloaded, waiting to be unpacked or
//      unpacking) is never evicted;
//   2. archives no registered project uses go first, least recently accessed first;
//   3. then archives some project uses, least recently accessed first (so a project that has
//      not run `get` for a long time loses its archives before one that just did).
// Ties are broken by key, so the order is deterministic. "Uses" is decided by the caller: the
// daemon's hot path asks the index's user lists (a project whose root is gone uses nothing),
// `gc` asks `clean`'s key-graph computation (evict::ProjectUsage).

#include <cstdint>
#include <functional>
#include <vector>

namespace leancache::evict {

struct Candidate {
  uint64_t key = 0;
  uint64_t size = 0;
  int64_t last_access_ms = 0;
  bool used_by_project = false;

  bool operator==(const Candidate&) const = default;
};

// Sorts `candidates` into eviction order (first = evicted first), rules 2 and 3 above.
void SortForEviction(std::vector<Candidate>& candidates);

// Walks `ordered` (from SortForEviction) and picks victims, skipping keys for which `pinned`
// is true, until their sizes add up to at least `need` bytes (or the list ends). Returns the
// victims in order; their total may fall short of `need` when too much is pinned.
std::vector<Candidate> PickVictims(const std::vector<Candidate>& ordered, uint64_t need,
                                   const std::function<bool(uint64_t key)>& pinned);

}  // namespace leancache::evict
