#include "daemon/index/negative_cache.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/hash/lean_hash.h"
#include "daemon/index/byte_codec.h"
#include "daemon/index/schema.h"

namespace leancache::index {
namespace {

std::string KeyPrefix(std::string_view hash16) {
  return absl::StrCat(std::string(kNegativePrefix), std::string(hash16), "\t");
}

std::string EntryKey(std::string_view hash16, std::string_view source) {
  return absl::StrCat(KeyPrefix(hash16), hash::Hex16(hash::StringHash(source)));
}

std::optional<int64_t> DecodeTime(std::string_view value) {
  ByteReader r(value, "negative cache entry");
  auto t = r.Fixed64();
  if (!t.ok() || !r.ExpectEnd().ok()) return std::nullopt;
  return static_cast<int64_t>(*t);
}

// Drops the oldest entries until at most `max_entries` remain (inside a write transaction).
absl::Status Bound(LmdbEnv::Txn& txn, size_t max_entries) {
  std::vector<std::pair<int64_t, std::string>> all;
  absl::Status st = txn.ForEach(Table::kMeta, kNegativePrefix, [&](std::string_view k, std::string_view v) {
    all.emplace_back(DecodeTime(v).value_or(0), std::string(k));
    return absl::OkStatus();
  });
  if (!st.ok() || all.size() <= max_entries) return st;
  const size_t drop = all.size() - max_entries;
  std::nth_element(all.begin(), all.begin() + drop, all.end());
  for (size_t i = 0; i < drop; ++i) {
    if (auto d = txn.Delete(Table::kMeta, all[i].second); !d.ok()) return d.status();
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<std::optional<int64_t>>> NegativeCache::Lookup(std::string_view source,
                                                                          absl::Span<const std::string> hash16s,
                                                                          int64_t now_ms, int64_t ttl_ms) {
  std::vector<std::optional<int64_t>> out(hash16s.size());
  if (ttl_ms <= 0 || hash16s.empty()) return out;
  absl::Status st = index_.env().Read([&](LmdbEnv::Txn& txn) -> absl::Status {
    for (size_t i = 0; i < hash16s.size(); ++i) {
      auto v = txn.Get(Table::kMeta, EntryKey(hash16s[i], source));
      if (!v.ok()) return v.status();
      if (!*v) continue;
      auto t = DecodeTime(**v);
      if (t && *t <= now_ms && now_ms - *t < ttl_ms) out[i] = *t;
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return out;
}

absl::Status NegativeCache::RecordMisses(std::string_view source, absl::Span<const std::string> hash16s,
                                         int64_t now_ms) {
  if (hash16s.empty()) return absl::OkStatus();
  ByteWriter w;
  w.Fixed64(static_cast<uint64_t>(now_ms));
  const std::string value = w.Take();
  return index_.env().Write([&](LmdbEnv::Txn& txn) -> absl::Status {
    for (const auto& h : hash16s) {
      if (auto st = txn.Put(Table::kMeta, EntryKey(h, source), value); !st.ok()) return st;
    }
    return Bound(txn, max_entries_);
  });
}

absl::StatusOr<size_t> NegativeCache::Forget(absl::Span<const std::string> hash16s) {
  size_t dropped = 0;
  absl::Status st = index_.env().Write([&](LmdbEnv::Txn& txn) -> absl::Status {
    dropped = 0;
    for (const auto& h : hash16s) {
      std::vector<std::string> keys;
      absl::Status fe = txn.ForEach(Table::kMeta, KeyPrefix(h), [&](std::string_view k, std::string_view) {
        keys.emplace_back(k);
        return absl::OkStatus();
      });
      if (!fe.ok()) return fe;
      for (const auto& k : keys) {
        auto d = txn.Delete(Table::kMeta, k);
        if (!d.ok()) return d.status();
        dropped += *d;
      }
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return dropped;
}

absl::StatusOr<size_t> NegativeCache::Size() {
  size_t n = 0;
  absl::Status st = index_.env().Read([&](LmdbEnv::Txn& txn) {
    return txn.ForEach(Table::kMeta, kNegativePrefix, [&](std::string_view, std::string_view) {
      ++n;
      return absl::OkStatus();
    });
  });
  if (!st.ok()) return st;
  return n;
}

}  // namespace leancache::index
