#pragma once
// Per-request settings: the environment the client forwarded and the project it names.
// Validation of the parts every command relies on lives here.

#include <filesystem>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "leancache/v1/cache.pb.h"

namespace leancache::project {

struct RequestEnv {
  std::filesystem::path project_root;             // absolute, existing directory
  std::filesystem::path client_cwd;               // absolute; defaults to project_root
  std::map<std::string, std::string> env;         // forwarded environment
  std::map<std::string, std::string> options;     // --name=value options
};

// Checks that the project root is an absolute existing directory and copies the forwarded
// settings. Errors name the offending path.
absl::StatusOr<RequestEnv> ParseRequestEnv(const v1::Invocation& invocation);

}  // namespace leancache::project
