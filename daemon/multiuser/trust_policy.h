#pragma once
// Who may use the shared system cache, read from the administrator's config file
// (/etc/leancache/system.json by default):
//
//   {
//     "readers": ["*"],                         // users, "@group", numeric uids, or "*"
//     "trusted_writers": ["ci", "@lean-trusted"],
//     "untrusted_writes": true,                 // readers that are not trusted may write; their
//                                               // blobs are quarantined (default true)
//     "quarantine_quota_bytes": 1073741824      // per user; 0 forbids quarantined writes
//   }
//
// The policy is pure data: a caller is a Principal (uid, user name, group names), resolved from
// SO_PEERCRED by ResolvePrincipal(); Decide() never touches NSS, so it is testable as is.
// uid 0 and the daemon's own uid are always readers and trusted writers.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace leancache::multiuser {

// One entry of a "readers" / "trusted_writers" list.
struct Subject {
  enum class Kind { kEveryone, kUser, kGroup, kUid };
  Kind kind = Kind::kUser;
  std::string name;  // user or group name (kUser, kGroup)
  uid_t uid = 0;     // kUid
};

// A connected caller.
struct Principal {
  uid_t uid = static_cast<uid_t>(-1);
  std::string user;                 // empty when the uid has no passwd entry
  std::vector<std::string> groups;  // primary and supplementary group names
};

enum class WriteAccess { kNone, kQuarantine, kTrusted };

struct Access {
  bool read = false;
  WriteAccess write = WriteAccess::kNone;
};

struct TrustPolicy {
  static constexpr uint64_t kDefaultQuarantineQuota = uint64_t{1} << 30;  // 1 GiB

  std::vector<Subject> readers;          // default: everyone
  std::vector<Subject> trusted_writers;  // default: nobody (besides root and the daemon's uid)
  bool untrusted_writes = true;
  uint64_t quarantine_quota_bytes = kDefaultQuarantineQuota;
  uid_t daemon_uid = static_cast<uid_t>(-1);  // set by the loader to getuid()

  // What `who` may do. Trusted writers are readers too.
  Access Decide(const Principal& who) const;
};

// Parses one list entry: "*", "@group", a decimal uid, or a user name.
// Errors: InvalidArgument for an empty entry or "@" alone, naming `where`.
absl::StatusOr<Subject> ParseSubject(std::string_view text, std::string_view where);

// Parses the JSON text of a config file (`name` names it in errors). Unknown keys are errors,
// so a typo ("trusted_writer") never silently trusts nobody. Errors: InvalidArgument.
absl::StatusOr<TrustPolicy> ParseTrustPolicy(std::string_view json_text, std::string_view name);

// Reads and parses `path`; a missing file gives the defaults (everyone reads, nobody but root is
// trusted, untrusted writes quarantined under the default quota). Errors: unreadable or invalid.
absl::StatusOr<TrustPolicy> LoadTrustPolicy(const std::filesystem::path& path);

// The Principal for a connected uid/gid (getpwuid_r + getgrouplist); unknown uids get an empty
// name and only the numeric uid matches them.
Principal ResolvePrincipal(uid_t uid, gid_t gid);

}  // namespace leancache::multiuser
