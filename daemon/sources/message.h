#pragma once
// A line of user-visible output produced while resolving sources (repository detection, chain
// warnings). The sources code never prints: it returns these and the caller forwards them to the
// client, which prints them on the named stream exactly as the original tool would.

#include <string>
#include <vector>

namespace leancache::sources {

struct Message {
  enum class Stream { kStdout, kStderr };
  Stream stream = Stream::kStdout;
  std::string text;  // one line, without the trailing newline

  bool operator==(const Message&) const = default;
};

using Messages = std::vector<Message>;

inline Message Stdout(std::string text) { return {Message::Stream::kStdout, std::move(text)}; }
inline Message Stderr(std::string text) { return {Message::Stream::kStderr, std::move(text)}; }

}  // namespace leancache::sources
