#include "daemon/commands/command_word.h"

#include "absl/strings/str_cat.h"

namespace leancache::commands {
namespace {

bool Reject(const v1::CommandRequest& request, core::EventSink& sink) {
  sink.Err(absl::StrCat("Unknown command '", request.command(), "'"));
  sink.Done(1);
  return false;
}

}  // namespace

bool AcceptCommand(const v1::CommandRequest& request, std::initializer_list<std::string_view> words,
                   core::EventSink& sink) {
  for (std::string_view w : words) {
    if (request.command() == w) return true;
  }
  return Reject(request, sink);
}

bool AcceptNoArguments(const v1::CommandRequest& request, core::EventSink& sink) {
  return request.invocation().args().empty() || Reject(request, sink);
}

}  // namespace leancache::commands
