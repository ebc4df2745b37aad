#pragma once
// The command-word checks every command RPC starts with, with the original's message
// (spec §9.2): an unknown word, or module arguments given to a command that takes none, is
// `Unknown command 'WORD'` and exit 1.

#include <initializer_list>
#include <string_view>

#include "daemon/core/event_sink.h"
#include "leancache/v1/cache.pb.h"

namespace leancache::commands {

// True if the request's command word is one of `words`; otherwise reports it (Done(1) sent).
bool AcceptCommand(const v1::CommandRequest& request, std::initializer_list<std::string_view> words,
                   core::EventSink& sink);

// True if the request has no positional arguments; otherwise reports the command word as
// unknown (Done(1) sent), as the original does for pack, clean, commit, unstage, ...
bool AcceptNoArguments(const v1::CommandRequest& request, core::EventSink& sink);

}  // namespace leancache::commands
