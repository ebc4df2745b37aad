#include "daemon/lakesvc/reply.h"

namespace leancache::lakesvc {
namespace {

std::string XmlEscape(absl::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

}  // namespace

Reply ErrorReply(int status, std::string_view code, absl::string_view message) {
  Reply r;
  r.status = status;
  r.content_type = "application/xml";
  r.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + XmlEscape(absl::string_view(code.data(), code.size())) + "</Code><Message>" +
           XmlEscape(message) + "</Message></Error>\n";
  return r;
}

Reply OkReply() {
  Reply r;
  r.status = 200;
  return r;
}

Reply FileReply(fs::Fd fd, uint64_t size, std::string_view content_type) {
  Reply r;
  r.status = 200;
  r.content_type = std::string(content_type);
  r.file = std::move(fd);
  r.file_size = size;
  return r;
}

}  // namespace leancache::lakesvc
