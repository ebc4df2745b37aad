#include "daemon/multiuser/trust_policy.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/fs/fd.h"
#include "nlohmann/json.hpp"
#include "common/json/parse_json.h"

namespace leancache::multiuser {
namespace {

bool Matches(const Subject& s, const Principal& who) {
  switch (s.kind) {
    case Subject::Kind::kEveryone: return true;
    case Subject::Kind::kUid: return s.uid == who.uid;
    case Subject::Kind::kUser: return !who.user.empty() && s.name == who.user;
    case Subject::Kind::kGroup:
      return std::find(who.groups.begin(), who.groups.end(), s.name) != who.groups.end();
  }
  return false;
}

bool AnyMatches(const std::vector<Subject>& list, const Principal& who) {
  return std::any_of(list.begin(), list.end(), [&](const Subject& s) { return Matches(s, who); });
}

absl::StatusOr<std::vector<Subject>> ParseList(const nlohmann::json& value, std::string_view name,
                                               std::string_view key) {
  std::string where = absl::StrCat(std::string(name), ": \"", std::string(key), "\"");
  if (!value.is_array()) return absl::InvalidArgumentError(absl::StrCat(where, " must be a list of strings"));
  std::vector<Subject> out;
  for (const auto& item : value) {
    if (!item.is_string()) return absl::InvalidArgumentError(absl::StrCat(where, " must be a list of strings"));
    auto subject = ParseSubject(item.get<std::string>(), where);
    if (!subject.ok()) return subject.status();
    out.push_back(std::move(*subject));
  }
  return out;
}

}  // namespace

Access TrustPolicy::Decide(const Principal& who) const {
  Access access;
  const bool privileged = who.uid == 0 || who.uid == daemon_uid;
  const bool trusted = privileged || AnyMatches(trusted_writers, who);
  access.read = trusted || AnyMatches(readers, who);
  if (trusted) {
    access.write = WriteAccess::kTrusted;
  } else if (access.read && untrusted_writes) {
    access.write = WriteAccess::kQuarantine;
  }
  return access;
}

absl::StatusOr<Subject> ParseSubject(std::string_view text, std::string_view where_view) {
  const std::string where(where_view);
  Subject s;
  if (text == "*") {
    s.kind = Subject::Kind::kEveryone;
    return s;
  }
  if (text.empty() || text == "@") {
    return absl::InvalidArgumentError(absl::StrCat(where, ": empty user or group name"));
  }
  if (text.front() == '@') {
    s.kind = Subject::Kind::kGroup;
    s.name = std::string(text.substr(1));
    return s;
  }
  uint32_t uid = 0;
  if (std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
      absl::SimpleAtoi(absl::string_view(text.data(), text.size()), &uid)) {
    s.kind = Subject::Kind::kUid;
    s.uid = uid;
    return s;
  }
  s.kind = Subject::Kind::kUser;
  s.name = std::string(text);
  return s;
}

absl::StatusOr<TrustPolicy> ParseTrustPolicy(std::string_view json_text, std::string_view name_view) {
  const std::string name(name_view);
  TrustPolicy policy;
  policy.readers.push_back({Subject::Kind::kEveryone, "", 0});
  policy.daemon_uid = ::getuid();
  auto parsed = json::ParseJson(json_text);
  if (!parsed.ok()) return absl::InvalidArgumentError(absl::StrCat(name, ": not valid JSON: ", parsed.status().message()));
  nlohmann::json doc = std::move(*parsed);
  if (!doc.is_object()) return absl::InvalidArgumentError(absl::StrCat(name, ": must be a JSON object"));
  for (const auto& [key, value] : doc.items()) {
    if (key == "readers" || key == "trusted_writers") {
      auto list = ParseList(value, name, key);
      if (!list.ok()) return list.status();
      (key == "readers" ? policy.readers : policy.trusted_writers) = std::move(*list);
    } else if (key == "untrusted_writes") {
      if (!value.is_boolean()) {
        return absl::InvalidArgumentError(absl::StrCat(name, ": \"untrusted_writes\" must be true or false"));
      }
      policy.untrusted_writes = value.get<bool>();
    } else if (key == "quarantine_quota_bytes") {
      if (!value.is_number_unsigned()) {
        return absl::InvalidArgumentError(
            absl::StrCat(name, ": \"quarantine_quota_bytes\" must be a non-negative integer"));
      }
      policy.quarantine_quota_bytes = value.get<uint64_t>();
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          name, ": unknown key \"", key,
          "\" (known: readers, trusted_writers, untrusted_writes, quarantine_quota_bytes)"));
    }
  }
  return policy;
}

absl::StatusOr<TrustPolicy> LoadTrustPolicy(const std::filesystem::path& path) {
  auto text = fs::ReadFile(path.string(), 1 << 20);
  if (!text.ok()) {
    if (absl::IsNotFound(text.status())) return ParseTrustPolicy("{}", path.string());
    return text.status();
  }
  return ParseTrustPolicy(*text, path.string());
}

Principal ResolvePrincipal(uid_t uid, gid_t gid) {
  Principal p;
  p.uid = uid;
  std::vector<char> buf(16384);
  passwd pw{};
  passwd* found = nullptr;
  std::vector<gid_t> gids{gid};
  if (::getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) == 0 && found != nullptr) {
    p.user = pw.pw_name;
    int n = 64;
    std::vector<gid_t> all(n);
    if (::getgrouplist(pw.pw_name, gid, all.data(), &n) < 0) {
      all.resize(n);
      if (::getgrouplist(pw.pw_name, gid, all.data(), &n) < 0) n = 0;
    }
    all.resize(n);
    for (gid_t g : all) {
      if (std::find(gids.begin(), gids.end(), g) == gids.end()) gids.push_back(g);
    }
  }
  for (gid_t g : gids) {
    std::vector<char> gbuf(16384);
    group gr{};
    group* gfound = nullptr;
    if (::getgrgid_r(g, &gr, gbuf.data(), gbuf.size(), &gfound) == 0 && gfound != nullptr) {
      p.groups.emplace_back(gr.gr_name);
    }
  }
  return p;
}

}  // namespace leancache::multiuser
