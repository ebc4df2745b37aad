#pragma once
// `leancache lake setup`: the `[[cache.service]]` stanza that points Lake at the loopback
// service, merged into Lake's config.toml (~/.lake/config.toml or $LAKE_CONFIG) on request.
//
// The merge edits the text, not a re-serialised tree, so the user's comments, order and other
// settings stay as they were: toml++ locates the lines of an existing service of that name (its
// kind/type and endpoint lines are rewritten in place), a missing service is appended, and the
// result is parsed again and must contain exactly the wanted service before it is written
// (atomically, keeping the file's mode).

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace leancache::lake {

struct SetupOptions {
  std::string name = "leancache";  // the service name Lake knows it by (`--service leancache`)
  uint16_t port = 0;               // the service's port on 127.0.0.1
  bool make_default = false;       // also set cache.defaultService (all `lake cache get`s use it)
};

// "http://127.0.0.1:PORT/artifacts" / ".../revisions".
std::string ArtifactEndpoint(uint16_t port);
std::string RevisionEndpoint(uint16_t port);

// The stanza text (plus `cache.defaultService = …` first when make_default).
std::string SetupStanza(const SetupOptions& options);

// `existing` config text with the service added or corrected. `origin` names the file in errors.
// Errors: InvalidArgument when `existing` is not valid TOML, or when the result would not be
// (e.g. `cache.service` written as an inline array): the message says to edit it by hand.
absl::StatusOr<std::string> MergeSetup(std::string_view existing, const SetupOptions& options,
                                       std::string_view origin);

// Reads `path` (missing = empty), merges, and writes it back atomically if anything changed
// (creating its directory). Returns whether the file changed.
absl::StatusOr<bool> WriteSetup(const std::filesystem::path& path, const SetupOptions& options);

}  // namespace leancache::lake
