// leancache: the stateless client of leancached. It parses the command line, forwards the
// request (with the relevant environment) over the daemon's Unix socket, and prints what comes
// back. It hashes nothing and opens no project file.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <string>
#include <thread>

#include "client/cli/command_line.h"
#include "client/cli/exit_now.h"
#include "client/cli/invocation.h"
#include "client/connect/daemon_connection.h"
#include "client/editor/editor_commands.h"
#include "client/editor/signal_cancel.h"
#include "client/render/event_renderer.h"
#include "client/render/event_stream.h"
#include "leancache/v1/cache.grpc.pb.h"
#include "leancache/v1/endpoint.h"
#include "nlohmann/json.hpp"

namespace {

using leancache::cli::CommandLine;

using StreamMethod = std::unique_ptr<grpc::ClientReader<leancache::v1::Event>> (
    leancache::v1::Cache::Stub::*)(grpc::ClientContext*, const leancache::v1::CommandRequest&);

// Runs one streaming RPC and exits with the command's exit code.
[[noreturn]] void RunStreamingCommand(const CommandLine& cl, StreamMethod method) {
  std::string error;
  auto channel = leancache::connect::ConnectToDaemon(leancache::connect::ConnectOptionsFromEnv(), &error);
  if (!channel) {
    std::cerr << "leancache: " << error << "\n";
    leancache::cli::ExitNow(1);
  }
  auto stub = leancache::v1::Cache::NewStub(channel);
  leancache::v1::CommandRequest request;
  request.set_command(cl.command);
  leancache::cli::FillInvocation(cl, request.mutable_invocation());
  grpc::ClientContext context;
  leancache::render::EventRenderer renderer(cl.json, isatty(STDERR_FILENO) != 0);
  leancache::editor_client::SignalCancel cancel(&context);  // Ctrl-C cancels the daemon's work
  auto reader = ((*stub).*method)(&context, request);
  const int code =
      leancache::render::DrainEvents(context, *reader, renderer, [&cancel] { return cancel.cancelled(); });
  leancache::cli::ExitNow(code);
}

int DaemonStatus(const CommandLine& cl) {
  auto options = leancache::connect::ConnectOptionsFromEnv();
  auto channel = leancache::connect::ProbeDaemon(options.socket_path);
  if (!channel) {
    std::cerr << "leancached is not running on " << options.socket_path << "\n";
    return 1;
  }
  auto stub = leancache::v1::Cache::NewStub(channel);
  grpc::ClientContext context;
  leancache::v1::StatusReply reply;
  grpc::Status status = stub->Status(&context, leancache::v1::StatusRequest(), &reply);
  if (!status.ok()) {
    std::cerr << "leancache: status failed: " << status.error_message() << "\n";
    return 1;
  }
  if (cl.json) {
    nlohmann::json doc = {{"version", reply.version()},
                          {"pid", reply.pid()},
                          {"uptime_seconds", reply.uptime_seconds()},
                          {"socket", reply.socket()},
                          {"cache_dir", reply.cache_dir()},
                          {"state_dir", reply.state_dir()},
                          {"requests_served", reply.requests_served()},
                          {"active_requests", reply.active_requests()},
                          {"index",
                           {{"path", reply.index().path()},
                            {"files", reply.index().files()},
                            {"blobs", reply.index().blobs()},
                            {"blob_bytes", reply.index().blob_bytes()},
                            {"projects", reply.index().projects()},
                            {"map_size", reply.index().map_size()}}}};
    std::cout << doc.dump(2) << "\n";
    return 0;
  }
  std::cout << "leancached " << reply.version() << " running\n"
            << "  pid:       " << reply.pid() << "\n"
            << "  uptime:    " << static_cast<long>(reply.uptime_seconds()) << " s\n"
            << "  socket:    " << reply.socket() << "\n"
            << "  cache dir: " << reply.cache_dir() << "\n"
            << "  state dir: " << reply.state_dir() << "\n"
            << "  requests:  " << reply.requests_served() << " served, " << reply.active_requests()
            << " active\n"
            << "  index:     " << reply.index().path() << ": " << reply.index().files() << " files, "
            << reply.index().blobs() << " archives (" << reply.index().blob_bytes() << " bytes), "
            << reply.index().projects() << " projects\n";
  return 0;
}

// Whether the daemon process has ended: gone, or a zombie its reaper has not collected yet (an
// exited daemon is reparented to init, which may take seconds to reap it). The client does not
// link common/, whose proc::ProcessEnded answers the same for the daemon's own temp files.
bool ProcessEnded(pid_t pid) {
  if (::kill(pid, 0) != 0) return errno == ESRCH;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t close = stat.rfind(')');  // "pid (comm) state ..."; comm may contain ')'
  return close != std::string::npos && close + 2 < stat.size() &&
         (stat[close + 2] == 'Z' || stat[close + 2] == 'X');
}

int DaemonStop() {
  auto options = leancache::connect::ConnectOptionsFromEnv();
  auto channel = leancache::connect::ProbeDaemon(options.socket_path);
  if (!channel) {
    std::cout << "leancached is not running on " << options.socket_path << "\n";
    return 0;
  }
  auto stub = leancache::v1::Cache::NewStub(channel);
  leancache::v1::StatusReply daemon;
  {
    grpc::ClientContext context;
    if (!stub->Status(&context, leancache::v1::StatusRequest(), &daemon).ok()) daemon.set_pid(0);
  }
  {
    grpc::ClientContext context;
    leancache::v1::ShutdownReply reply;
    grpc::Status status = stub->Shutdown(&context, leancache::v1::ShutdownRequest(), &reply);
    if (!status.ok()) {
      std::cerr << "leancache: stop failed: " << status.error_message() << "\n";
      return 1;
    }
  }
  // Close our connection now: the daemon's gRPC shutdown waits for its clients' connections to
  // go (up to ~5 s for one that stays open), and this one would stay open while we wait.
  stub.reset();
  channel.reset();
  // Stopped means the process is gone (or, for a daemon in another pid namespace, its socket).
  for (int i = 0; i < 300; ++i) {
    struct stat st {};
    bool gone = daemon.pid() > 0 ? ProcessEnded(static_cast<pid_t>(daemon.pid()))
                                 : ::stat(options.socket_path.c_str(), &st) != 0;
    if (gone) {
      std::cout << "leancached stopped\n";
      return 0;
    }
    usleep(50 * 1000);
  }
  std::cerr << "leancache: leancached did not stop within 15 s\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  // Block the signals we handle before gRPC creates any thread.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);

  std::vector<std::string> args(argv + 1, argv + argc);
  std::string error;
  auto cl = leancache::cli::ParseCommandLine(args, &error);
  if (!cl) {
    std::cerr << error << "\n";
    return 1;
  }
  if (cl->version) {
    std::cout << "leancache " << LEANCACHE_VERSION << "\n";
    return 0;
  }
  if (cl->help || cl->command.empty()) {
    std::cout << leancache::cli::HelpText();
    return 0;
  }
  using Stub = leancache::v1::Cache::Stub;
  if (cl->command == "daemon") {
    std::string sub = cl->args.empty() ? "" : cl->args[0];
    if (sub == "status") return DaemonStatus(*cl);
    if (sub == "stop") return DaemonStop();
    std::cerr << "Usage: leancache daemon status|stop\n";
    return 1;
  }
  if (cl->command == "hash") RunStreamingCommand(*cl, &Stub::Hash);
  if (cl->command == "lookup") RunStreamingCommand(*cl, &Stub::Lookup);
  if (cl->command == "get" || cl->command == "get!" || cl->command == "get-") {
    RunStreamingCommand(*cl, &Stub::Get);
  }
  if (cl->command == "clean" || cl->command == "clean!") RunStreamingCommand(*cl, &Stub::Clean);
  if (cl->command == "pack" || cl->command == "pack!") RunStreamingCommand(*cl, &Stub::Pack);
  if (cl->command == "stage" || cl->command == "stage!" || cl->command == "unstage" ||
      cl->command == "unstage!") {
    RunStreamingCommand(*cl, &Stub::Stage);
  }
  if (cl->command == "put" || cl->command == "put!" || cl->command == "put-unpacked" ||
      cl->command == "put-staged") {
    RunStreamingCommand(*cl, &Stub::Put);
  }
  if (cl->command == "commit" || cl->command == "commit!") RunStreamingCommand(*cl, &Stub::Commit);
  if (cl->command == "unpack" || cl->command == "unpack!") {
    RunStreamingCommand(*cl, &Stub::Unpack);
  }
  if (cl->command == "status") return leancache::editor_client::RunStatus(*cl);
  if (cl->command == "watch") return leancache::editor_client::RunWatch(*cl);
  if (cl->command == "prefetch") return leancache::editor_client::RunPrefetch(*cl);
  if (cl->command == "verify") RunStreamingCommand(*cl, &Stub::Verify);
  if (cl->command == "stats") RunStreamingCommand(*cl, &Stub::Stats);
  if (cl->command == "gc") RunStreamingCommand(*cl, &Stub::Gc);
  if (cl->command == "lake") RunStreamingCommand(*cl, &Stub::Lake);
  std::cerr << "Unknown command '" << cl->command << "'\n" << leancache::cli::HelpText();
  return 1;
}
