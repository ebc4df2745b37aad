#pragma once
// The cache state of one module for the editor API: its key, whether its archive is in
// CACHEDIR, whether its build outputs are unpacked and current, and — when the cache cannot
// serve it — the Problem and a reason a user can act on.
//
// "Unpacked" means exactly what `get` would conclude: the project's root-hash record equals the
// current root hash and the module's .trace depHash equals its archive's header depHash
// (get::AlreadyUnpacked). Without a local archive there is nothing to compare the outputs with,
// so `unpacked` is false.
//
// Problem precedence for a keyed module: TOOLCHAIN_MISMATCH (the keys match nothing on the
// server), then NOT_CACHED (no local archive, and the remote, when checked, lacks it too),
// then STALE (archive local, outputs absent or from another key), else NONE.

#include <optional>
#include <string>
#include <unordered_set>

#include "absl/status/status.h"
#include "common/keys/key_graph.h"
#include "common/keys/source_reader.h"
#include "common/workspace/workspace.h"
#include "daemon/get/dep_hash_cache.h"
#include "daemon/store/blob_store.h"
#include "leancache/v1/cache.pb.h"

namespace leancache::editor {

// Everything FillFileState needs about one project, computed once per request.
struct StateContext {
  const workspace::Workspace* workspace = nullptr;
  const keys::KeyResult* keys = nullptr;
  store::BlobStore* store = nullptr;               // CACHEDIR of the request
  get::DepHashCache* dep_hashes = nullptr;
  bool root_record_current = false;                // .mathlib-cache-roothash == keys->root_hash
  std::optional<std::string> toolchain_problem;    // CheckDownstream's messages when it failed
  std::unordered_set<std::string> unhashed;        // keys->unhashed as a set
  keys::SourceReader* reader = nullptr;            // to read headers of unhashed modules
};

// Builds the context (root record, downstream toolchain check, unhashed set).
StateContext MakeStateContext(const workspace::Workspace& ws, const keys::KeyResult& keys,
                              store::BlobStore* store, get::DepHashCache* dep_hashes,
                              keys::SourceReader* reader);

// Fills module, key, hash16, archive_local, unpacked, problem and reason of `out` for the
// canonical `module` (out->path and out->remote are the caller's). A module that is neither
// hashed nor unhashed in the graph gets PROBLEM_NOT_IN_PROJECT.
void FillFileState(const StateContext& ctx, const std::string& module, v1::FileState* out);

// For a module without a key: the import chain to the first module whose file is missing,
// e.g. "imports Mathlib.B → Mathlib.C, whose file ./Mathlib/C.lean does not exist".
std::string MissingImportReason(const StateContext& ctx, const std::string& module);

// For a module whose key graph could not be computed (`error` from EditorKeys): NotFound (an
// import with an unknown package prefix) is MISSING_IMPORT; a parse error in the module's own
// header, or any other hashing error (an import's header, a loop), is PARSE_ERROR; the reason
// carries the hasher's message. Clears the key fields.
void FillKeyError(const std::string& module, const absl::Status& error, v1::FileState* out);

// After the remote was checked: a module with no local archive that the remote has is not a
// problem (a get would fetch it); one the remote lacks keeps NOT_CACHED with that reason.
void ApplyRemoteState(v1::RemoteState remote, v1::FileState* out);

}  // namespace leancache::editor
