#include "common/keys/key_graph.h"

#include <algorithm>
#include <optional>
#include <set>
#include <system_error>
#include <unordered_map>
#include <unordered_set>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/header/module_name.h"
#include "common/keys/module_hash.h"
#include "common/keys/package_filter.h"

namespace leancache::keys {
namespace {

class KeyGraphBuilder {
 public:
  KeyGraphBuilder(const workspace::Workspace& ws, SourceReader& reader, KeyResult& out)
      : ws_(ws), reader_(reader), out_(out) {}

  // Returns the key of `module`, nullopt if it has none.
  absl::StatusOr<std::optional<uint64_t>> Visit(const std::string& module) {
    if (in_progress_.count(module) != 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("dependency loop found involving ", module, "!"));
    }
    if (auto it = memo_.find(module); it != memo_.end()) return it->second;

    auto resolved = Resolve(module);
    if (!resolved.ok()) return resolved.status();
    std::error_code ec;
    if (!std::filesystem::exists(resolved->source, ec)) {
      out_.stdout_lines.push_back(absl::StrCat("Warning: ", resolved->source_display,
                                               " not found. Skipping all files that depend on it."));
      memo_.emplace(module, std::nullopt);
      out_.unhashed.push_back(module);
      return std::optional<uint64_t>();
    }
    auto info = reader_.Read(resolved->source, module);
    if (!info.ok()) return info.status();

    in_progress_.insert(module);
    std::vector<std::string> imports;
    std::vector<uint64_t> import_hashes;
    bool complete = true;
    for (std::string& imp : info->imports) {
      if (!IsPartOfMathlibCache(imp)) continue;
      auto h = Visit(imp);
      if (!h.ok()) return h.status();
      if (h->has_value()) import_hashes.push_back(**h);
      else complete = false;
      imports.push_back(std::move(imp));
    }
    in_progress_.erase(module);

    std::optional<uint64_t> key;
    if (complete) {
      key = FileHash(out_.root_hash, PathHash(module), info->content_hash, import_hashes);
      ModuleEntry& e = out_.modules[module];
      e.key = *key;
      e.source = std::move(resolved->source);
      e.package_dir = std::move(resolved->package_dir);
      e.relative = std::move(resolved->relative);
      e.search_entry = std::move(resolved->search_entry);
      e.source_display = std::move(resolved->source_display);
      e.imports = std::move(imports);
    } else {
      out_.unhashed.push_back(module);
    }
    memo_.emplace(module, key);
    return key;
  }

 private:
  absl::StatusOr<workspace::ResolvedModule> Resolve(const std::string& module) {
    auto parts = header::SplitModuleName(module);
    if (!parts.ok()) return parts.status();
    const std::string& root = (*parts)[0];
    auto it = entry_of_root_.find(root);
    if (it == entry_of_root_.end()) it = entry_of_root_.emplace(root, ws_.FindRootEntry(root)).first;
    if (!it->second) return ws_.UnknownPrefixError(root);
    return ws_.ResolveInEntry(*it->second, *parts);
  }

  const workspace::Workspace& ws_;
  SourceReader& reader_;
  KeyResult& out_;
  std::unordered_map<std::string, std::optional<uint64_t>> memo_;
  std::unordered_set<std::string> in_progress_;
  std::unordered_map<std::string, std::optional<size_t>> entry_of_root_;
};

}  // namespace

absl::StatusOr<KeyResult> ComputeKeys(const workspace::Workspace& ws,
                                      absl::Span<const std::string> extra_roots,
                                      SourceReader& reader, const RootHashOptions& options) {
  KeyResult result;
  auto root = ComputeRootHash(ws.mathlib_dir(), options, &reader);
  if (!root.ok()) return root.status();
  result.root_hash = root->root_hash;
  result.generation = root->generation;
  result.era = root->era;

  std::set<std::string> seen;
  result.roots.push_back("Mathlib");
  seen.insert("Mathlib");
  for (const std::string& r : extra_roots) {
    auto parts = header::SplitModuleName(r);
    if (!parts.ok()) return parts.status();
    std::string canonical = header::JoinModuleName(*parts);
    if (seen.insert(canonical).second) result.roots.push_back(std::move(canonical));
  }
  KeyGraphBuilder builder(ws, reader, result);
  for (const std::string& r : result.roots) {
    auto h = builder.Visit(r);
    if (!h.ok()) return h.status();
  }
  std::sort(result.unhashed.begin(), result.unhashed.end());
  return result;
}

std::vector<const std::pair<const std::string, ModuleEntry>*> ClosureEntries(
    const KeyResult& result, absl::Span<const std::string> roots) {
  using Entry = const std::pair<const std::string, ModuleEntry>*;
  std::vector<Entry> out;
  std::unordered_set<Entry> seen;
  std::vector<const std::string*> stack;
  for (const std::string& r : roots) stack.push_back(&r);
  while (!stack.empty()) {
    const std::string& m = *stack.back();
    stack.pop_back();
    auto it = result.modules.find(m);
    if (it == result.modules.end()) continue;
    Entry entry = &*it;
    if (!seen.insert(entry).second) continue;
    out.push_back(entry);
    for (const std::string& imp : it->second.imports) stack.push_back(&imp);
  }
  std::sort(out.begin(), out.end(), [](Entry a, Entry b) { return a->first < b->first; });
  return out;
}

std::map<std::string, ModuleEntry> ClosureOf(const KeyResult& result,
                                             absl::Span<const std::string> roots) {
  std::map<std::string, ModuleEntry> out;
  std::vector<const std::string*> stack;
  for (const std::string& r : roots) stack.push_back(&r);
  while (!stack.empty()) {
    const std::string& m = *stack.back();
    stack.pop_back();
    if (out.count(m) != 0) continue;
    auto it = result.modules.find(m);
    if (it == result.modules.end()) continue;
    out.emplace(m, it->second);
    for (const std::string& imp : it->second.imports) stack.push_back(&imp);
  }
  return out;
}

}  // namespace leancache::keys
