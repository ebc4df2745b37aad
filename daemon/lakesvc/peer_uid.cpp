#include "daemon/lakesvc/peer_uid.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <cerrno>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/fs/fd.h"

namespace leancache::lakesvc {
namespace {

// /proc/net/tcp's "AAAAAAAA:PPPP": the address as the kernel's 32-bit word in host order (%08X
// of s_addr), the port in host order (%04X).
std::string ProcAddress(const sockaddr_in& addr) {
  return absl::StrFormat("%08X:%04X", addr.sin_addr.s_addr, ntohs(addr.sin_port));
}

}  // namespace

absl::StatusOr<uid_t> FindSocketOwner(std::string_view proc_text, const sockaddr_in& peer, const sockaddr_in& local) {
  const absl::string_view proc_net_tcp(proc_text.data(), proc_text.size());
  const std::string want_local = ProcAddress(peer);
  const std::string want_remote = ProcAddress(local);
  bool header = true;
  for (absl::string_view line : absl::StrSplit(proc_net_tcp, '\n', absl::SkipWhitespace())) {
    if (header) {  // "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid ..."
      header = false;
      continue;
    }
    std::vector<absl::string_view> f = absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (f.size() < 8) return absl::InvalidArgumentError("unparsable line in /proc/net/tcp");
    if (!absl::EqualsIgnoreCase(f[1], want_local) || !absl::EqualsIgnoreCase(f[2], want_remote)) continue;
    uint32_t uid = 0;
    if (!absl::SimpleAtoi(f[7], &uid)) return absl::InvalidArgumentError("unparsable uid in /proc/net/tcp");
    return static_cast<uid_t>(uid);
  }
  return absl::NotFoundError(absl::StrCat("no local socket ", want_local, " -> ", want_remote, " in /proc/net/tcp"));
}

absl::StatusOr<uid_t> LoopbackPeerUid(const sockaddr_in& peer, const sockaddr_in& local) {
  auto text = fs::ReadFile("/proc/net/tcp", 256 << 20);
  if (!text.ok()) return text.status();
  return FindSocketOwner(*text, peer, local);
}

absl::StatusOr<uid_t> ConnectionPeerUid(int fd) {
  sockaddr_in peer{}, local{};
  socklen_t peer_len = sizeof peer, local_len = sizeof local;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_len) != 0) return fs::ErrnoError(errno, "getpeername");
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len) != 0) return fs::ErrnoError(errno, "getsockname");
  if (peer.sin_family != AF_INET || local.sin_family != AF_INET) {
    return absl::InvalidArgumentError("the Lake service accepts IPv4 loopback connections only");
  }
  return LoopbackPeerUid(peer, local);
}

}  // namespace leancache::lakesvc
