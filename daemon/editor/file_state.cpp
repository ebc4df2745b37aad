#include "daemon/editor/file_state.h"

#include <deque>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/keys/package_filter.h"
#include "daemon/get/downstream_checks.h"
#include "daemon/get/unpack_plan.h"
#include "common/hash/lean_hash.h"

namespace leancache::editor {

StateContext MakeStateContext(const workspace::Workspace& ws, const keys::KeyResult& keys,
                              store::BlobStore* store, get::DepHashCache* dep_hashes,
                              keys::SourceReader* reader) {
  StateContext ctx;
  ctx.workspace = &ws;
  ctx.keys = &keys;
  ctx.store = store;
  ctx.dep_hashes = dep_hashes;
  ctx.reader = reader;
  auto record = get::ReadRootHashRecord(ws.root());
  ctx.root_record_current = record && *record == keys.root_hash;
  auto check = get::CheckDownstream(ws);
  if (!check.ok) {
    // The first lines of the original's message name what differs ("Dependency Mathlib uses a
    // different lean-toolchain", "Project uses X", "Mathlib uses Y" / the differing pins).
    std::vector<std::string> lines;
    for (const auto* block : {&check.stdout_lines, &check.stderr_lines}) {
      for (const auto& l : *block) {
        auto t = absl::StripAsciiWhitespace(l);
        if (!t.empty() && lines.size() < 3) lines.emplace_back(t);
      }
    }
    ctx.toolchain_problem = lines.empty() ? std::string("the project's toolchain or pins differ from Mathlib's")
                                          : absl::StrJoin(lines, "; ");
  }
  ctx.unhashed.insert(keys.unhashed.begin(), keys.unhashed.end());
  return ctx;
}

std::string MissingImportReason(const StateContext& ctx, const std::string& module) {
  // Breadth-first through modules without a key, to the nearest one whose file is missing.
  std::map<std::string, std::string> parent;
  std::deque<std::string> queue{module};
  parent[module] = "";
  while (!queue.empty()) {
    std::string m = queue.front();
    queue.pop_front();
    auto resolved = ctx.workspace->ResolveModule(m);
    if (!resolved.ok()) continue;
    std::error_code ec;
    if (!std::filesystem::exists(resolved->source, ec)) {
      std::vector<std::string> chain;
      for (std::string at = m; !at.empty() && at != module; at = parent[at]) chain.insert(chain.begin(), at);
      if (chain.empty()) return absl::StrCat(resolved->source_display, " does not exist");
      return absl::StrCat("imports ", absl::StrJoin(chain, " → "), ", whose file ", resolved->source_display,
                          " does not exist");
    }
    if (ctx.reader == nullptr) continue;
    auto info = ctx.reader->Read(resolved->source, m);
    if (!info.ok()) continue;
    for (const auto& imp : info->imports) {
      if (!keys::IsPartOfMathlibCache(imp) || !ctx.unhashed.count(imp) || parent.count(imp)) continue;
      parent[imp] = m;
      queue.push_back(imp);
    }
  }
  return "an import (transitively) has no source file";
}

void FillFileState(const StateContext& ctx, const std::string& module, v1::FileState* out) {
  out->set_module(module);
  auto it = ctx.keys->modules.find(module);
  if (it == ctx.keys->modules.end()) {
    if (ctx.unhashed.count(module)) {
      out->set_problem(v1::PROBLEM_MISSING_IMPORT);
      out->set_reason(MissingImportReason(ctx, module));
    } else {
      out->set_problem(v1::PROBLEM_NOT_IN_PROJECT);
      out->set_reason(absl::StrCat(module, " is not covered by the olean cache"));
    }
    return;
  }
  const keys::ModuleEntry& entry = it->second;
  out->set_key(entry.key);
  out->set_hash16(hash::Hex16(entry.key));
  bool local = ctx.store != nullptr && ctx.store->Has(entry.key);
  out->set_archive_local(local);
  bool unpacked = local && ctx.root_record_current && ctx.dep_hashes != nullptr &&
                  get::AlreadyUnpacked(ctx.store->Path(entry.key), entry, *ctx.dep_hashes);
  out->set_unpacked(unpacked);
  if (ctx.toolchain_problem) {
    out->set_problem(v1::PROBLEM_TOOLCHAIN_MISMATCH);
    out->set_reason(*ctx.toolchain_problem);
  } else if (!local) {
    out->set_problem(v1::PROBLEM_NOT_CACHED);
    out->set_reason(absl::StrCat("no archive ", out->hash16(), ".ltar in ", ctx.store ? ctx.store->dir().string() : "CACHEDIR"));
  } else if (!unpacked) {
    out->set_problem(v1::PROBLEM_STALE);
    out->set_reason(ctx.root_record_current
                        ? "archive is local but the build outputs are missing or from another version"
                        : "archive is local but the project was not unpacked for this tree (root hash changed)");
  } else {
    out->set_problem(v1::PROBLEM_NONE);
    out->clear_reason();
  }
}

void FillKeyError(const std::string& module, const absl::Status& error, v1::FileState* out) {
  std::string message(error.message());
  out->set_module(module);
  out->set_key(0);
  out->clear_hash16();
  out->set_archive_local(false);
  out->set_unpacked(false);
  if (error.code() == absl::StatusCode::kNotFound) {
    out->set_problem(v1::PROBLEM_MISSING_IMPORT);
    out->set_reason(absl::StrCat("an import cannot be resolved: ", message));
  } else if (absl::StartsWith(message, module + ":")) {
    out->set_problem(v1::PROBLEM_PARSE_ERROR);
    out->set_reason(absl::StrCat("its header does not parse: ", message));
  } else {
    out->set_problem(v1::PROBLEM_PARSE_ERROR);
    out->set_reason(absl::StrCat("the project's import graph cannot be hashed: ", message));
  }
}

void ApplyRemoteState(v1::RemoteState remote, v1::FileState* out) {
  out->set_remote(remote);
  if (out->problem() != v1::PROBLEM_NOT_CACHED) return;
  if (remote == v1::REMOTE_PRESENT) {
    out->set_problem(v1::PROBLEM_NONE);
    out->set_reason("not downloaded yet; the remote has the archive (a get fetches it)");
  } else if (remote == v1::REMOTE_MISSING) {
    out->set_reason(absl::StrCat(out->reason(), ", and the remote does not have it either"));
  }
}

}  // namespace leancache::editor
