#pragma once
// The local store and what the daemon knows about projects: the role of the daemon that every
// job touching CACHEDIR, the index or key graphs depends on. Only borrowed pointers to
// forward-declared components (owned by server::RunDaemon), so this header includes nothing
// above the core layer.

namespace leancache::index {
class Index;
}
namespace leancache::keycache {
class ProjectKeyCache;
}
namespace leancache::get {
class UnpackPool;
class DepHashCache;
class PlanMemo;
}  // namespace leancache::get
namespace leancache::watch {
class DirWatchHub;
}
namespace leancache::lake {
class LakeGetMemo;
}
namespace leancache::evict {
class CacheQuota;
}

namespace leancache::core {

// The local cache: index and blob accounting, warm key graphs, "already unpacked / current"
// answers, and the threads that unpack. Pointers are borrowed; a null one means the component
// is absent (a test daemon, or no inotify for `watches`, `plan_memo` and `lake_gets`) and
// users check.
struct LocalCache {
  index::Index* index = nullptr;                   // LMDB: blobs, file-hash memo, stats, misses
  evict::CacheQuota* quota = nullptr;              // bounded cache: reservations, pins, eviction
  keycache::ProjectKeyCache* key_cache = nullptr;  // warm key graphs by project
  get::DepHashCache* dep_hashes = nullptr;         // "already unpacked?" answers by file stamp
  get::PlanMemo* plan_memo = nullptr;              // "this project was entirely current" answers
  lake::LakeGetMemo* lake_gets = nullptr;          // "this Lake get had nothing to do" answers
  watch::DirWatchHub* watches = nullptr;           // inotify, shared by the key cache and plan memo
  get::UnpackPool* unpack_pool = nullptr;          // the threads that unpack archives
};

}  // namespace leancache::core
