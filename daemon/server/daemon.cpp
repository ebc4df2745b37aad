#include "daemon/server/daemon.h"

#include <signal.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <atomic>
#include <algorithm>
#include <memory>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "daemon/evict/cache_quota.h"
#include "daemon/core/progress_hub.h"
#include "daemon/get/dep_hash_cache.h"
#include "daemon/get/unpack_pool.h"
#include "daemon/index/index.h"
#include "daemon/lakesvc/service_host.h"
#include "daemon/get/plan_memo.h"
#include "daemon/lake/get_memo.h"
#include "daemon/keycache/project_key_cache.h"
#include "daemon/stats/pending_runs.h"
#include "daemon/watch/dir_watch_hub.h"
#include "daemon/core/activity_tracker.h"
#include "daemon/server/instance_lock.h"
#include "daemon/core/peer_registry.h"
#include "daemon/server/passed_sockets.h"
#include "daemon/server/unix_listener.h"
#include "daemon/service/cache_service.h"
#include "daemon/multiuser/shared_cache.h"
#include "daemon/service/system_service.h"
#include "daemon/sources/config.h"
#include "daemon/transfer/fetch_group.h"
#include "daemon/transfer/transport.h"
#include "leancache/v1/endpoint.h"
#include "spdlog/spdlog.h"

namespace leancache::server {
namespace {

// Max size of one request message: bad or hostile clients get RESOURCE_EXHAUSTED, not OOM.
constexpr int kMaxMessageBytes = 16 << 20;

// The listening socket: the one systemd passed (`passed_fd` >= 0), else our own.
absl::StatusOr<std::unique_ptr<UnixListener>> OpenListener(const std::string& socket_path,
                                                           SocketAccess access, int passed_fd) {
  if (passed_fd >= 0) {
    spdlog::info("using the socket passed by systemd (fd {})", passed_fd);
    return UnixListener::Adopt(passed_fd, socket_path);
  }
  return UnixListener::Bind(socket_path, access);
}

// The loopback cache service for Lake (daemon/lakesvc), when --lake-http, the config's
// lake_service.listen or a systemd socket named "lake-http" asks for it; else null.
absl::StatusOr<std::unique_ptr<lakesvc::ServiceHost>> StartLakeService(
    const DaemonOptions& options, int passed_fd, const sources::Config& config, const core::DaemonState& state) {
  lakesvc::HostOptions host;
  auto parsed = lakesvc::ServiceConfigFrom(config.extra, config.source.string());
  if (!parsed.ok()) return parsed.status();
  host.config = std::move(*parsed);
  if (!options.lake_http.empty()) {
    auto listen = lakesvc::ParseListenAddress(options.lake_http, "--lake-http");
    if (!listen.ok()) return listen.status();
    host.listen_override = *listen;
  }
  host.listen_fd = passed_fd;
  if (!lakesvc::ServiceHost::Wanted(host)) return nullptr;
  host.dir = options.lake_service_dir;
  host.key_dir = options.state_dir;
  host.policy = options.shared.system ? lakesvc::TrustRulesPolicy(state.network.shared)
                                      : lakesvc::OwnerOnlyPolicy(::getuid());
  host.on_request = [activity = state.sessions.activity] { activity->Touch(); };
  host.net_config = state.network.config;
  return lakesvc::ServiceHost::Start(std::move(host), state.local.index, state.network.transport,
                                     state.network.fetches);
}

// The transport every download and upload goes through, configured from the options and config.
absl::StatusOr<std::unique_ptr<transfer::Transport>> MakeTransport(const DaemonOptions& options,
                                                                  const sources::Config& config) {
  transfer::TransportOptions transport_options;
  transport_options.max_concurrent = static_cast<int>(config.max_parallel_downloads);
  transport_options.low_speed_time = options.stall_timeout;
  transport_options.connect_timeout = options.connect_timeout;
  transport_options.retry.max_attempts = std::max(1, options.max_attempts);
  return transfer::Transport::Create(transport_options);
}

// Blocks until SIGTERM or SIGINT (a client's `daemon stop` sends SIGTERM to us after setting
// `client_asked`), or until the daemon was idle for `idle_exit` (0: never). SIGHUP is ignored.
void WaitForShutdown(const std::atomic<bool>& client_asked, const core::ActivityTracker& activity,
                     std::chrono::seconds idle_exit) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  while (true) {
    timespec tick{1, 0};
    int sig = sigtimedwait(&set, nullptr, &tick);
    if (sig == SIGTERM || sig == SIGINT) {
      if (client_asked.load()) {
        spdlog::info("shutdown requested by a client, shutting down");
      } else {
        spdlog::info("received signal {}, shutting down", sig);
      }
      return;
    }
    if (sig == SIGHUP) continue;  // reserved for config reload
    if (idle_exit.count() > 0 && activity.IdleFor(idle_exit)) {
      spdlog::info("idle for {} s, exiting", idle_exit.count());
      return;
    }
  }
}

}  // namespace

void BlockShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

absl::Status RunDaemon(const DaemonOptions& options, const std::function<void()>& on_ready) {
  const SocketAccess access = options.shared.system ? SocketAccess::kAllUsers : SocketAccess::kPrivate;
  if (auto st = PrepareSocketDirectory(options.socket_path, access); !st.ok()) return st;
  auto lock = InstanceLock::Acquire(api::InstanceLockPath(options.socket_path), options.socket_path);
  if (!lock.ok()) return lock.status();

  auto index = index::Index::Open(options.state_dir / "index");
  if (!index.ok()) return index.status();
  if ((*index)->rebuilt()) {
    spdlog::warn("the index at {} was missing or damaged and has been recreated; archives are "
                 "re-indexed from each cache directory on first use",
                 (options.state_dir / "index").string());
  }

  // Bounded cache (daemon/evict); declared early so it outlives every pin and reservation.
  evict::CacheQuota quota(index->get());

  sources::Config config;
  if (!options.config_path.empty()) {
    auto loaded = sources::LoadConfig(options.config_path);
    if (!loaded.ok()) return loaded.status();
    config = std::move(*loaded);
  }
  auto transport = MakeTransport(options, config);
  if (!transport.ok()) return transport.status();
  transfer::FetchGroup fetches(**transport);
  get::UnpackPool unpack_pool(std::max(2u, std::thread::hardware_concurrency()));
  get::DepHashCache dep_hashes;
  // inotify lets warm requests skip re-checking unchanged files; without it, stamps do the job.
  auto watches = watch::DirWatchHub::Create();
  if (!watches.ok()) spdlog::warn("no change notifications ({}); warm requests check every file", watches.status().ToString());
  watch::DirWatchHub* watch_hub = watches.ok() ? watches->get() : nullptr;
  std::unique_ptr<get::PlanMemo> plan_memo;
  std::unique_ptr<lake::LakeGetMemo> lake_gets;
  if (watch_hub != nullptr) {
    plan_memo = std::make_unique<get::PlanMemo>(watch_hub);
    lake_gets = std::make_unique<lake::LakeGetMemo>(watch_hub);
  }

  auto shared_cache = multiuser::SharedCache::Open(options.shared);
  if (!shared_cache.ok()) return shared_cache.status();
  core::ActivityTracker activity;
  core::PeerRegistry peers;
  keycache::ProjectKeyCache key_cache(8, watch_hub);
  core::ProgressHub progress_hub;
  stats::PendingRuns pending_runs;
  std::atomic<bool> shutdown_requested{false};
  core::DaemonState state;
  state.identity = {.socket_path = options.socket_path,
                    .state_dir = options.state_dir,
                    .default_cache_dir = options.default_cache_dir};  // lake_service_port: below
  state.local = {.index = index->get(),
                 .quota = &quota,
                 .key_cache = &key_cache,
                 .dep_hashes = &dep_hashes,
                 .plan_memo = plan_memo.get(),
                 .lake_gets = lake_gets.get(),
                 .watches = watch_hub,
                 .unpack_pool = &unpack_pool};
  state.network = {.config = &config,
                   .transport = transport->get(),
                   .fetches = &fetches,
                   .shared = shared_cache->get()};
  state.observers = {.progress_hub = &progress_hub, .pending_runs = &pending_runs};
  state.sessions = {.activity = &activity,
                    .peers = &peers,
                    .request_shutdown = [&shutdown_requested] {
                      shutdown_requested = true;
                      ::kill(::getpid(), SIGTERM);  // wakes the sigtimedwait loop below
                    }};
  service::CacheService service(&state);
  service::SystemService system_service(&state, &service);  // a system daemon serves only blobs

  grpc::ServerBuilder builder;
  builder.RegisterService(options.shared.system ? static_cast<grpc::Service*>(&system_service) : &service);
  builder.SetMaxReceiveMessageSize(kMaxMessageBytes);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server) return absl::InternalError("failed to start the gRPC server");

  auto passed = TakePassedSockets();
  auto lake_service = passed.ok() ? StartLakeService(options, passed->lake_fd, config, state)
                                  : absl::StatusOr<std::unique_ptr<lakesvc::ServiceHost>>(passed.status());
  auto listener = lake_service.ok() ? OpenListener(options.socket_path, access, passed->unix_fd)
                                    : absl::StatusOr<std::unique_ptr<UnixListener>>(lake_service.status());
  if (!listener.ok()) {
    server->Shutdown();
    return listener.status();
  }
  if (*lake_service) state.identity.lake_service_port = (*lake_service)->port();
  // A Lake service on a port we bound ourselves would vanish with an idle exit (nothing restarts
  // us on the next connection, unlike systemd's socket): the daemon then stays up.
  const bool may_idle_exit = options.idle_timeout.count() > 0 && !(*lake_service && passed->lake_fd < 0);
  if (options.idle_timeout.count() > 0 && !may_idle_exit) {
    spdlog::info("no idle exit while serving the Lake service on a port of our own");
  }
  (*listener)->Start(server.get(), &peers, [&activity] { activity.Touch(); });
  spdlog::info("leancached {} listening on {} (pid {})", LEANCACHE_VERSION, options.socket_path,
               ::getpid());
  sd_notify(0, "READY=1");
  if (on_ready) on_ready();

  WaitForShutdown(shutdown_requested, activity, may_idle_exit ? options.idle_timeout : std::chrono::seconds(0));
  sd_notify(0, "STOPPING=1");
  (*listener)->Stop();  // no new connections; the socket path disappears
  progress_hub.Close();  // ends Watch streams now instead of at the shutdown deadline
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(10));
  server->Wait();
  lake_service->reset();  // its requests end before the transport they may wait on
  (*transport)->Shutdown();
  spdlog::info("leancached stopped");
  return absl::OkStatus();
}

}  // namespace leancache::server
