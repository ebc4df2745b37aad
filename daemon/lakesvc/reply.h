#pragma once
// What the Lake service answers: a status, and either a small text body or an open file.

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include "common/fs/fd.h"

namespace leancache::lakesvc {

inline constexpr char kArtifactType[] = "application/vnd.reservoir.artifact";
inline constexpr char kRevisionType[] = "application/vnd.reservoir.outputs+json-lines";

struct Reply {
  int status = 200;
  std::string content_type;
  std::string body;        // sent when `file` is not valid
  fs::Fd file;             // sent from offset 0, `file_size` bytes
  uint64_t file_size = 0;
};

// An S3-style XML error: <Error><Code>code</Code><Message>message</Message></Error>.
// Lake prints a non-404 failure body as "unexpected response", so the message is what the user
// reads: it must say what went wrong and must never contain a secret.
Reply ErrorReply(int status, std::string_view code, absl::string_view message);

// 200 with an empty body (what Lake's PUTs need: its mapping upload treats 201 as failure).
Reply OkReply();

// 200 serving `fd` (`size` bytes) as `content_type`.
Reply FileReply(fs::Fd fd, uint64_t size, std::string_view content_type);

}  // namespace leancache::lakesvc
