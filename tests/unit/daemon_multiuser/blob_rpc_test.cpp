// The blob RPCs end to end over a real Unix socket: a system daemon's SystemService behind the
// daemon's own UnixListener (SO_PEERCRED), and the per-user Upstream client writing from one
// CACHEDIR and fetching into another. The caller is this process's uid, which the policy always
// trusts; quarantine across real users is covered by tests/integration/shared_cache_test.sh.
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <grpcpp/grpcpp.h>

#include "daemon/index/index.h"
#include "daemon/core/activity_tracker.h"
#include "daemon/core/peer_registry.h"
#include "daemon/server/unix_listener.h"
#include "daemon/service/cache_service.h"
#include "daemon/core/daemon_state.h"
#include "daemon/multiuser/shared_cache.h"
#include "daemon/service/system_service.h"
#include "daemon/multiuser/upstream.h"
#include "daemon/store/blob_name.h"
#include "daemon/store/blob_store.h"
#include "gtest/gtest.h"

namespace leancache::multiuser {
namespace {

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A system daemon without the process-wide parts (signals, instance lock, index).
class SystemDaemon {
 public:
  explicit SystemDaemon(const std::filesystem::path& dir) : socket_(dir / "sys.sock") {
    SharedOptions options;
    options.system = true;
    options.store_dir = dir / "store";
    options.trust_config = dir / "system.json";
    auto shared = SharedCache::Open(options);
    EXPECT_TRUE(shared.ok()) << shared.status();
    shared_ = std::move(*shared);
    state_.identity.socket_path = socket_.string();
    state_.sessions.activity = &activity_;
    state_.sessions.peers = &peers_;
    state_.network.shared = shared_.get();
    full_ = std::make_unique<service::CacheService>(&state_);
    service_ = std::make_unique<service::SystemService>(&state_, full_.get());
    grpc::ServerBuilder builder;
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    auto listener = server::UnixListener::Bind(socket_.string());
    EXPECT_TRUE(listener.ok()) << listener.status();
    listener_ = std::move(*listener);
    listener_->Start(server_.get(), &peers_, nullptr);
  }
  ~SystemDaemon() { Stop(); }
  void Stop() {
    if (listener_) listener_->Stop();
    listener_.reset();
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    server_.reset();
  }
  const std::string socket() const { return socket_.string(); }
  SharedStore* store() { return shared_->store(); }

 private:
  std::filesystem::path socket_;
  core::ActivityTracker activity_;
  core::PeerRegistry peers_;
  std::unique_ptr<SharedCache> shared_;
  core::DaemonState state_;
  std::unique_ptr<service::CacheService> full_;
  std::unique_ptr<service::SystemService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<server::UnixListener> listener_;
};

class BlobRpcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("blob-rpc-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto index = index::Index::Open(dir_ / "index");
    ASSERT_TRUE(index.ok()) << index.status();
    index_ = std::move(*index);
    auto writer = store::BlobStore::Open(dir_ / "cache-writer", index_.get());
    auto reader = store::BlobStore::Open(dir_ / "cache-reader", index_.get());
    ASSERT_TRUE(writer.ok() && reader.ok());
    writer_ = std::move(*writer);
    reader_ = std::move(*reader);
    daemon_ = std::make_unique<SystemDaemon>(dir_);
  }
  void TearDown() override {
    daemon_.reset();
    reader_.reset();
    writer_.reset();
    index_.reset();
    std::filesystem::remove_all(dir_);
  }
  // Puts spec vector `name` into the writer's CACHEDIR as archive `key`.
  std::filesystem::path Pack(uint64_t key, const char* name) {
    auto temp = writer_->TempPathFor(key);
    EXPECT_TRUE(temp.ok());
    std::filesystem::copy_file(std::string(LEANCACHE_SHARED_DIR) + "/vectors/ltar/" + name, *temp,
                               std::filesystem::copy_options::overwrite_existing);
    EXPECT_TRUE(writer_->Adopt(*temp, key, "test").ok());
    return writer_->Path(key);
  }

  std::filesystem::path dir_;
  std::unique_ptr<index::Index> index_;
  std::unique_ptr<store::BlobStore> writer_, reader_;
  std::unique_ptr<SystemDaemon> daemon_;
};

TEST_F(BlobRpcTest, OfferedArchivesAreFetchedIntoAnotherCacheDir) {
  auto a = Pack(0x11, "mod.ltar");
  auto b = Pack(0x22, "single.ltar");
  Upstream upstream(daemon_->socket());
  OfferSummary first = upstream.Offer({a, b});
  EXPECT_EQ(first.stored, 2u) << (first.errors.empty() ? "" : first.errors[0]);
  EXPECT_EQ(first.failed, 0u);
  EXPECT_FALSE(first.unavailable);
  OfferSummary again = upstream.Offer({a, b});
  EXPECT_EQ(again.already, 2u);
  EXPECT_EQ(again.stored, 0u);
  auto in_store = daemon_->store()->Find(0x11, 12345);
  ASSERT_TRUE(in_store.has_value());
  EXPECT_TRUE(in_store->trusted);

  std::set<uint64_t> got = upstream.FetchInto(*reader_, {0x11, 0x22, 0x33});
  EXPECT_EQ(got, (std::set<uint64_t>{0x11, 0x22}));
  EXPECT_TRUE(reader_->Has(0x11));
  EXPECT_EQ(ReadAll(reader_->Path(0x11)), ReadAll(a));
  EXPECT_EQ(ReadAll(reader_->Path(0x22)), ReadAll(b));
  EXPECT_FALSE(reader_->Has(0x33));
  EXPECT_TRUE(reader_->Verify(0x22).ok());
}

TEST_F(BlobRpcTest, InvalidArchivesAreRefusedWithTheReason) {
  auto bogus = writer_->dir() / store::BlobFileName(0x44);
  std::ofstream(bogus, std::ios::binary) << "LTAR but not really an archive at all";
  Upstream upstream(daemon_->socket());
  OfferSummary s = upstream.Offer({bogus});
  EXPECT_EQ(s.stored, 0u);
  EXPECT_EQ(s.failed, 1u);
  ASSERT_EQ(s.errors.size(), 1u);
  EXPECT_NE(s.errors[0].find("0000000000000044.ltar"), std::string::npos) << s.errors[0];
  EXPECT_FALSE(daemon_->store()->Find(0x44, ::getuid()).has_value());
}

TEST_F(BlobRpcTest, SystemSocketRefusesEverythingButBlobsAndStatus) {
  auto channel = grpc::CreateChannel("unix:" + daemon_->socket(), grpc::InsecureChannelCredentials());
  auto stub = v1::Cache::NewStub(channel);
  {
    grpc::ClientContext context;
    v1::StatusReply reply;
    EXPECT_TRUE(stub->Status(&context, v1::StatusRequest(), &reply).ok());
  }
  {
    grpc::ClientContext context;
    v1::CommandRequest request;
    request.set_command("clean");
    auto reader = stub->Clean(&context, request);
    v1::Event event;
    while (reader->Read(&event)) {
    }
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::UNIMPLEMENTED);
  }
  {
    grpc::ClientContext context;
    v1::BlobRef ref;
    ref.set_hash16("../../etc/passwd");
    v1::BlobInfo info;
    EXPECT_EQ(stub->StatBlob(&context, ref, &info).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  }
}

TEST_F(BlobRpcTest, NoSystemDaemonMeansNothingSharedAndNoWait) {
  Pack(0x11, "mod.ltar");
  Upstream missing((dir_ / "nobody-here.sock").string());
  EXPECT_TRUE(missing.FetchInto(*reader_, {0x11}).empty());
  EXPECT_TRUE(missing.Offer({writer_->Path(0x11)}).unavailable);

  Upstream upstream(daemon_->socket());
  ASSERT_EQ(upstream.Offer({writer_->Path(0x11)}).stored, 1u);
  daemon_->Stop();
  auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(upstream.FetchInto(*reader_, {0x11}).empty());
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(6));
  EXPECT_FALSE(reader_->Has(0x11));
}

}  // namespace
}  // namespace leancache::multiuser
