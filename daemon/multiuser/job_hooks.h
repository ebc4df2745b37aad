#pragma once
// The three places where `get` and `put` meet the shared system cache, each one call in the job
// so the jobs stay readable. All are no-ops when this daemon has no upstream (system mode, or
// LEANCACHE_SHARED_SOCKET=off).

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "daemon/core/event_sink.h"
#include "daemon/multiuser/shared_cache.h"
#include "daemon/multiuser/upstream.h"
#include "daemon/store/blob_store.h"

namespace leancache::multiuser {

// `get`, before the HTTP sources: fetches every item (anything with a uint64_t `key`) the shared
// cache holds into `store`, calls `on_fetched(item)` for each, tells the user how many came from
// it, and returns the items still missing, in their original order.
template <class Item, class OnFetched>
std::vector<const Item*> TakeShared(SharedCache& shared, store::BlobStore& store,
                                    const std::vector<const Item*>& items, core::EventSink& sink,
                                    OnFetched on_fetched) {
  Upstream* upstream = shared.upstream();
  if (upstream == nullptr || items.empty()) return items;
  std::vector<uint64_t> keys;
  keys.reserve(items.size());
  for (const Item* item : items) keys.push_back(item->key);
  std::set<uint64_t> got = upstream->FetchInto(store, keys);
  if (got.empty()) return items;
  sink.Out(absl::StrCat("Got ", got.size(), " file(s) from the shared cache"));
  std::vector<const Item*> rest;
  for (const Item* item : items) {
    if (got.count(item->key)) {
      on_fetched(*item);
    } else {
      rest.push_back(item);
    }
  }
  return rest;
}

// `get`, after the HTTP rounds: offers (in the background) the archives that were wanted from
// HTTP and are no longer missing, so the next user finds them in the shared cache.
template <class Item>
void OfferDelivered(SharedCache& shared, store::BlobStore& store,
                    const std::vector<const Item*>& wanted, const std::vector<const Item*>& still_missing) {
  Upstream* upstream = shared.upstream();
  if (upstream == nullptr) return;
  std::vector<std::filesystem::path> files;
  for (const Item* item : wanted) {
    if (std::find(still_missing.begin(), still_missing.end(), item) == still_missing.end()) {
      files.push_back(store.Path(item->key));
    }
  }
  upstream->OfferLater(std::move(files));
}

// `put`: offers the packed archives to the shared cache and reports the outcome (one line, plus
// one per refusal such as an exceeded quarantine quota). Never changes the put's exit code.
void OfferPut(SharedCache& shared, const std::vector<std::filesystem::path>& archives,
              core::EventSink& sink);

}  // namespace leancache::multiuser
