#include "daemon/evict/project_usage.h"

#include <filesystem>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/keys/key_graph.h"
#include "daemon/project/open_project.h"
#include "daemon/project/project_keys.h"

namespace leancache::evict {
namespace {

// Every key of a project's current graph; error if it cannot be computed.
absl::StatusOr<std::set<uint64_t>> KeysOfProject(const core::LocalCache& local, const std::string& root,
                                                 const std::map<std::string, std::string>& env) {
  project::RequestEnv request;
  request.project_root = root;
  request.client_cwd = root;
  request.env = env;
  request.env.erase("LEAN_SRC_PATH");  // the caller's search path belongs to the caller's project
  auto opened = project::OpenWorkspace(std::move(request));
  if (!opened.ok()) return opened.status();
  auto result = project::KeyGraph(local, *opened->workspace, {}, keys::RootHashOptions());
  if (!result.ok()) return result.status();
  std::set<uint64_t> out;
  for (const auto& [module, entry] : (*result)->modules) out.insert(entry.key);
  return out;
}

}  // namespace

StillUsed KeysStillUsed(const core::LocalCache& local,
                        const std::vector<std::pair<uint64_t, index::BlobRecord>>& blobs,
                        const std::string& skip_root, const std::map<std::string, std::string>& env) {
  StillUsed out;
  std::set<std::string> users;
  for (const auto& [key, record] : blobs) {
    for (const auto& user : record.users) {
      if (user != skip_root) users.insert(user);
    }
  }
  for (const auto& user : users) {
    std::error_code ec;
    if (!std::filesystem::is_directory(user, ec)) continue;  // gone: uses nothing
    out.projects.insert(user);
    auto theirs = KeysOfProject(local, user, env);
    if (theirs.ok()) {
      out.keys.insert(theirs->begin(), theirs->end());
      continue;
    }
    out.notes.push_back(absl::StrCat("note: keeping the archives last used by ", user,
                                     " (its keys cannot be computed: ", theirs.status().message(), ")"));
    for (const auto& [key, record] : blobs) {
      if (record.users.count(user)) out.keys.insert(key);
    }
  }
  return out;
}

}  // namespace leancache::evict
