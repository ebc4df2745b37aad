#include "daemon/lakesvc/peer_access.h"

#include <pwd.h>

#include <vector>

#include "daemon/multiuser/shared_cache.h"
#include "daemon/multiuser/trust_policy.h"

namespace leancache::lakesvc {
namespace {

// The principal of `uid` with its passwd entry's primary group.
multiuser::Principal PrincipalOf(uid_t uid) {
  std::vector<char> buf(16384);
  passwd pw{};
  passwd* found = nullptr;
  gid_t gid = static_cast<gid_t>(-1);
  if (::getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) == 0 && found != nullptr) gid = pw.pw_gid;
  return multiuser::ResolvePrincipal(uid, gid);
}

std::string NameOf(const multiuser::Principal& who) {
  return who.user.empty() ? "uid:" + std::to_string(who.uid) : who.user;
}

}  // namespace

PeerPolicy OwnerOnlyPolicy(uid_t owner) {
  return [owner](uid_t uid) {
    PeerRights rights;
    rights.read = rights.write = uid == owner;
    rights.user = NameOf(PrincipalOf(uid));
    return rights;
  };
}

PeerPolicy TrustRulesPolicy(multiuser::SharedCache* shared) {
  return [shared](uid_t uid) {
    multiuser::Principal who = PrincipalOf(uid);
    multiuser::Access access = shared->Policy().Decide(who);
    PeerRights rights;
    rights.read = access.read;
    rights.write = access.write == multiuser::WriteAccess::kTrusted;
    rights.user = NameOf(who);
    return rights;
  };
}

}  // namespace leancache::lakesvc
