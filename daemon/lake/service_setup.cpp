#include "daemon/lake/service_setup.h"

#include <sys/stat.h>

#include <toml++/toml.h>

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/fs/atomic_file.h"
#include "common/fs/fd.h"
#include "common/lake/lake_config.h"

namespace leancache::lake {
namespace {

// A TOML basic string (our values are plain URLs and names; quotes and backslashes escaped).
std::string Quoted(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

absl::StatusOr<toml::table> Parse(std::string_view text, std::string_view origin) {
  try {
    return toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(origin), ":", e.source().begin.line, ": ",
                                                   std::string(e.description())));
  }
}

// Sets line `line` (1-based) to `key = "value"` when it holds that key; else an error.
absl::Status RewriteLine(std::vector<std::string>& lines, size_t line, std::string_view key, std::string_view value) {
  if (line == 0 || line > lines.size() || lines[line - 1].find(std::string(key)) == std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat("cannot locate the line of ", std::string(key)));
  }
  lines[line - 1] = absl::StrCat(std::string(key), " = ", Quoted(value));
  return absl::OkStatus();
}

// Corrects kind/type and the endpoints of the existing service table `t` in `lines`.
absl::Status FixService(std::vector<std::string>& lines, const toml::table& t, const SetupOptions& options) {
  const std::pair<std::string, std::string> wanted[] = {{"artifactEndpoint", ArtifactEndpoint(options.port)},
                                                        {"revisionEndpoint", RevisionEndpoint(options.port)}};
  std::vector<std::string> missing;
  for (const auto& [key, value] : wanted) {
    const toml::node* node = t.get(key);
    if (node == nullptr) {
      missing.push_back(absl::StrCat(key, " = ", Quoted(value)));
    } else if (node->value<std::string>() != value) {
      if (auto st = RewriteLine(lines, node->source().begin.line, key, value); !st.ok()) return st;
    }
  }
  const char* kind_key = t.get("kind") != nullptr ? "kind" : t.get("type") != nullptr ? "type" : nullptr;
  if (kind_key == nullptr) {
    missing.push_back("kind = \"s3\"");
  } else if (t.get(kind_key)->value<std::string>() != "s3") {
    if (auto st = RewriteLine(lines, t.get(kind_key)->source().begin.line, kind_key, "s3"); !st.ok()) return st;
  }
  if (!missing.empty()) {  // after the table's `name` line
    size_t after = t.get("name")->source().begin.line;
    lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(after), missing.begin(), missing.end());
  }
  return absl::OkStatus();
}

// Sets cache.defaultService in `lines` (rewritten in place, else added as the first line).
absl::Status SetDefault(std::vector<std::string>& lines, const toml::table& root, const SetupOptions& options) {
  const toml::node* node = root.at_path("cache.defaultService").node();
  if (node == nullptr) {
    lines.insert(lines.begin(), absl::StrCat("cache.defaultService = ", Quoted(options.name)));
    return absl::OkStatus();
  }
  if (node->value<std::string>() == options.name) return absl::OkStatus();
  size_t line = node->source().begin.line;
  if (line == 0 || line > lines.size()) return absl::InvalidArgumentError("cannot locate cache.defaultService");
  const std::string& text = lines[line - 1];
  std::string key = text.find("cache.defaultService") != std::string::npos ? "cache.defaultService" : "defaultService";
  return RewriteLine(lines, line, key, options.name);
}

}  // namespace

std::string ArtifactEndpoint(uint16_t port) { return absl::StrCat("http://127.0.0.1:", port, "/artifacts"); }
std::string RevisionEndpoint(uint16_t port) { return absl::StrCat("http://127.0.0.1:", port, "/revisions"); }

std::string SetupStanza(const SetupOptions& options) {
  std::string out;
  if (options.make_default) absl::StrAppend(&out, "cache.defaultService = ", Quoted(options.name), "\n\n");
  absl::StrAppend(&out, "# leancache's loopback cache service (leancache lake setup)\n[[cache.service]]\nname = ",
                  Quoted(options.name), "\nkind = \"s3\"\nartifactEndpoint = ", Quoted(ArtifactEndpoint(options.port)),
                  "\nrevisionEndpoint = ", Quoted(RevisionEndpoint(options.port)), "\n");
  return out;
}

absl::StatusOr<std::string> MergeSetup(std::string_view existing, const SetupOptions& options,
                                       std::string_view origin) {
  auto root = Parse(existing, origin);
  if (!root.ok()) return absl::InvalidArgumentError(absl::StrCat(root.status().message(), "; not changed"));
  std::vector<std::string> lines = absl::StrSplit(std::string(existing), '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  const toml::table* found = nullptr;
  if (const toml::array* services = root->at_path("cache.service").as_array()) {
    for (const toml::node& n : *services) {
      const toml::table* t = n.as_table();
      if (t != nullptr && t->get("name") != nullptr && t->get("name")->value<std::string>() == options.name) found = t;
    }
  }
  absl::Status st = found != nullptr ? FixService(lines, *found, options) : absl::OkStatus();
  if (st.ok() && options.make_default) st = SetDefault(lines, *root, options);
  if (!st.ok()) return absl::InvalidArgumentError(absl::StrCat(std::string(origin), ": ", st.message(),
                                                               "; add this by hand:\n", SetupStanza(options)));
  std::string merged = absl::StrJoin(lines, "\n");
  if (!merged.empty()) merged += "\n";
  if (found == nullptr) {
    SetupOptions stanza = options;
    stanza.make_default = false;  // handled above
    absl::StrAppend(&merged, merged.empty() ? "" : "\n", SetupStanza(stanza));
  }
  // The result must parse and name exactly the wanted service.
  auto check = lake::ParseLakeConfig(merged, origin);
  const lake::CacheService* s = check.ok() ? check->Find(options.name) : nullptr;
  if (s == nullptr || s->reservoir || s->artifact_endpoint != ArtifactEndpoint(options.port) ||
      s->revision_endpoint != RevisionEndpoint(options.port) ||
      (options.make_default && check->default_service != options.name)) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(origin), ": cannot merge the service into this file (",
                                                   check.ok() ? "unexpected layout" : check.status().message(),
                                                   "); not changed. Add this by hand:\n", SetupStanza(options)));
  }
  return merged;
}

absl::StatusOr<bool> WriteSetup(const std::filesystem::path& given, const SetupOptions& options) {
  std::error_code ec;
  // A symlinked config (dotfiles repositories) is updated where it points, not replaced.
  const std::filesystem::path path =
      std::filesystem::is_symlink(given, ec) ? std::filesystem::weakly_canonical(given, ec) : given;
  std::string existing;
  mode_t mode = 0644;
  if (auto text = fs::ReadFile(path.string(), 16 << 20); text.ok()) {
    existing = std::move(*text);
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) mode = st.st_mode & 07777;
  } else if (!absl::IsNotFound(text.status())) {
    return text.status();
  }
  auto merged = MergeSetup(existing, options, path.string());
  if (!merged.ok()) return merged.status();
  if (*merged == existing) return false;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot create ", path.parent_path().string(), ": ", ec.message()));
  fs::AtomicFile::Options file_options;
  file_options.mode = mode;
  auto file = fs::AtomicFile::Create(path.string(), file_options);
  if (!file.ok()) return file.status();
  if (auto st = file->Write(*merged); !st.ok()) return st;
  if (auto st = file->Commit(); !st.ok()) return st;
  return true;
}

}  // namespace leancache::lake
