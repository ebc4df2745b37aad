// CacheService serves every RPC of leancache.v1.Cache (the command RPCs from the one command
// table, the others by hand), each exactly once: a new RPC in the proto without a handler fails.

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "daemon/core/daemon_state.h"
#include "daemon/service/cache_service.h"
#include "daemon/service/command_table.h"
#include "leancache/v1/cache.pb.h"

namespace leancache::service {
namespace {

std::vector<std::string> ProtoRpcs() {
  const auto* service = v1::CommandRequest::descriptor()->file()->FindServiceByName("Cache");
  EXPECT_NE(service, nullptr);
  std::vector<std::string> names;
  for (int i = 0; service != nullptr && i < service->method_count(); ++i) {
    names.push_back(service->method(i)->name());
  }
  return names;
}

TEST(CommandTable, EveryRpcOfTheProtoIsServedOnce) {
  core::DaemonState state;
  CacheService service(&state);
  std::vector<std::string> served = service.rpcs();
  std::vector<std::string> proto = ProtoRpcs();
  std::sort(served.begin(), served.end());
  std::sort(proto.begin(), proto.end());
  EXPECT_EQ(std::adjacent_find(served.begin(), served.end()), served.end()) << "an RPC is registered twice";
  EXPECT_EQ(served, proto);
}

TEST(CommandTable, RowsAreTheStreamingCommandRpcs) {
  const auto* service = v1::CommandRequest::descriptor()->file()->FindServiceByName("Cache");
  ASSERT_NE(service, nullptr);
  std::set<std::string> commands;
  for (int i = 0; i < service->method_count(); ++i) {
    const auto* m = service->method(i);
    if (m->input_type() == v1::CommandRequest::descriptor() && m->server_streaming()) {
      commands.insert(m->name());
    }
  }
  std::set<std::string> rows;
  for (const CommandRpc& row : CommandTable()) {
    EXPECT_NE(row.run, nullptr) << row.rpc;
    rows.insert(row.rpc);
  }
  EXPECT_EQ(rows, commands);
  EXPECT_EQ(rows.size(), CommandTable().size());
}

}  // namespace
}  // namespace leancache::service
