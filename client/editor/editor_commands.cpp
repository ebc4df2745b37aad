#include "client/editor/editor_commands.h"

#include <unistd.h>

#include <charconv>
#include <iostream>

#include "client/cli/exit_now.h"
#include "client/cli/invocation.h"
#include "client/connect/daemon_connection.h"
#include "client/editor/file_state_format.h"
#include "client/editor/signal_cancel.h"
#include "client/render/event_renderer.h"
#include "client/render/event_stream.h"
#include "leancache/v1/cache.grpc.pb.h"

namespace leancache::editor_client {
namespace {

std::unique_ptr<v1::Cache::Stub> Connect() {
  std::string error;
  auto channel = connect::ConnectToDaemon(connect::ConnectOptionsFromEnv(), &error);
  if (!channel) {
    std::cerr << "leancache: " << error << "\n";
    return nullptr;
  }
  return v1::Cache::NewStub(channel);
}

std::string Hex16(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// Whole-string decimal integer.
bool ParseInt(const std::string& text, int* out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

int RunStatus(const cli::CommandLine& cl) {
  if (cl.args.empty()) {
    std::cerr << "Usage: leancache status FILE... [--json] [--remote]\n";
    return 1;
  }
  auto stub = Connect();
  if (!stub) return 1;
  v1::FileStatusRequest request;
  cli::FillInvocation(cl, request.mutable_invocation());
  request.mutable_invocation()->clear_args();
  for (const auto& a : cl.args) request.add_paths(a);
  request.set_check_remote(cl.options.count("remote") > 0);
  grpc::ClientContext context;
  v1::FileStatusReply reply;
  grpc::Status status = stub->FileStatus(&context, request, &reply);
  if (!status.ok()) {
    std::cerr << "leancache: status: " << status.error_message() << "\n";
    return 1;
  }
  bool all_ok = true;
  for (const auto& f : reply.files()) all_ok = all_ok && f.problem() == v1::PROBLEM_NONE;
  if (cl.json) {
    nlohmann::json files = nlohmann::json::array();
    for (const auto& f : reply.files()) files.push_back(FileStateJson(f));
    nlohmann::json doc = {{"root_hash", Hex16(reply.root_hash())}, {"files", files}};
    std::cout << doc.dump(2) << "\n";
  } else {
    for (const auto& f : reply.files()) std::cout << FileStateLine(f) << "\n";
  }
  cli::ExitNow(all_ok ? 0 : 2);
}

int RunWatch(const cli::CommandLine& cl) {
  auto stub = Connect();
  if (!stub) return 1;
  v1::WatchRequest request;
  cli::FillInvocation(cl, request.mutable_invocation());
  grpc::ClientContext context;
  SignalCancel cancel(&context);
  auto reader = stub->Watch(&context, request);
  v1::WatchEvent event;
  while (reader->Read(&event)) {
    if (cl.json) {
      nlohmann::json doc;
      if (event.has_file()) {
        doc = FileStateJson(event.file());
        doc["event"] = "file";
      } else if (event.has_progress()) {
        doc = ProgressJson(event.progress());
        doc["event"] = "progress";
      } else {
        doc = {{"event", "ready"}, {"project", event.ready()}};
      }
      std::cout << doc.dump() << std::endl;
    } else if (event.has_file()) {
      std::cout << FileStateLine(event.file()) << std::endl;
    } else if (event.has_progress()) {
      std::cout << ProgressLine(event.progress()) << std::endl;
    } else {
      std::cout << "watching " << event.ready() << " (Ctrl-C to stop)" << std::endl;
    }
  }
  grpc::Status status = reader->Finish();
  if (cancel.cancelled()) return 0;
  if (!status.ok()) {
    std::cerr << "leancache: watch: " << status.error_message() << "\n";
    return 1;
  }
  std::cerr << "leancache: the daemon ended the watch\n";
  return 0;
}

int RunPrefetch(const cli::CommandLine& cl) {
  if (cl.args.empty()) {
    std::cerr << "Usage: leancache prefetch FILE|MODULE... [--priority=N]\n";
    return 1;
  }
  int priority = 0;
  if (auto it = cl.options.find("priority"); it != cl.options.end() && !ParseInt(it->second, &priority)) {
    std::cerr << "leancache: --priority expects an integer, got '" << it->second << "'\n";
    return 1;
  }
  auto stub = Connect();
  if (!stub) return 1;
  v1::PrefetchRequest request;
  cli::FillInvocation(cl, request.mutable_invocation());
  request.mutable_invocation()->clear_args();
  for (const auto& a : cl.args) request.add_modules(a);
  request.set_priority(priority);
  grpc::ClientContext context;
  render::EventRenderer renderer(cl.json, isatty(STDERR_FILENO) != 0);
  SignalCancel cancel(&context);
  auto reader = stub->Prefetch(&context, request);
  cli::ExitNow(render::DrainEvents(context, *reader, renderer, [&cancel] { return cancel.cancelled(); }));
}

}  // namespace leancache::editor_client
