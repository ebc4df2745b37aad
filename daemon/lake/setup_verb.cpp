#include "daemon/lake/setup_verb.h"

#include <optional>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/lake/lake_config.h"
#include "daemon/lake/lake_verbs.h"
#include "daemon/lake/service_key.h"
#include "daemon/lake/service_setup.h"

namespace leancache::lake {
namespace {

constexpr char kUsage[] = "usage: leancache lake setup [--write] [--default] [--name=NAME] [--port=PORT]";

struct SetupArgs {
  bool write = false;
  SetupOptions options;
  std::optional<uint32_t> port;
};

// Parses args[1..]: flags, and --name/--port as "--x=V" or "--x V".
absl::StatusOr<SetupArgs> ParseArgs(const google::protobuf::RepeatedPtrField<std::string>& args) {
  SetupArgs out;
  for (int i = 1; i < args.size(); ++i) {
    std::string arg = args[i], value;
    if (size_t eq = arg.find('='); eq != std::string::npos && absl::StartsWith(arg, "--")) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    } else if ((arg == "--name" || arg == "--port") && i + 1 < args.size()) {
      value = args[++i];
    }
    if (arg == "--write") {
      out.write = true;
    } else if (arg == "--default") {
      out.options.make_default = true;
    } else if (arg == "--name" && !value.empty()) {
      out.options.name = value;
    } else if (arg == "--port" && absl::SimpleAtoi(value, &out.port.emplace()) && *out.port > 0 && *out.port < 65536) {
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unexpected argument '", args[i], "'\n", kUsage));
    }
  }
  return out;
}

}  // namespace

void RunSetup(const core::DaemonIdentity& identity, const v1::CommandRequest& request, core::EventSink& sink) {
  auto args = ParseArgs(request.invocation().args());
  if (!args.ok()) return Fail(sink, args.status().message());
  const uint32_t port = args->port.value_or(identity.lake_service_port);
  if (port == 0) {
    return Fail(sink, "the loopback cache service for Lake is not running: start leancached with --lake-http "
                      "127.0.0.1:PORT, set \"lake_service\": {\"listen\": \"127.0.0.1:PORT\"} in config.json, or "
                      "enable leancached-lake.socket (or pass --port)");
  }
  args->options.port = static_cast<uint16_t>(port);
  const auto& env = request.invocation().env();
  std::map<std::string, std::string> env_map(env.begin(), env.end());
  if (!args->write) {
    sink.Out(SetupStanza(args->options));
  } else {
    const std::filesystem::path path = LakeConfigPath(env_map);
    if (path.empty()) return Fail(sink, "neither LAKE_CONFIG nor HOME is set: no config.toml to write");
    auto changed = WriteSetup(path, args->options);
    if (!changed.ok()) return Fail(sink, changed.status().message());
    sink.Out(absl::StrCat(*changed ? "Wrote" : "Already configured:", " cache service `", args->options.name,
                          "` (http://127.0.0.1:", port, ") in ", path.string()));
  }
  auto key = env.find("LAKE_CACHE_KEY");
  if (key == env.end() || key->second.empty()) {
    sink.Err("note: LAKE_CACHE_KEY is not set, so the service accepts no uploads; set it to the key Lake "
             "uploads with and run `leancache lake setup` again");
    return sink.Done(0);
  }
  auto parsed = ParseLakeCacheKey(key->second);
  absl::Status registered = parsed.ok() ? RegisterWriteKey(identity.state_dir, key->second) : parsed.status();
  if (!registered.ok()) return Fail(sink, absl::StrCat("LAKE_CACHE_KEY not registered: ", registered.message()));
  sink.Err(absl::StrCat("Registered LAKE_CACHE_KEY (access key id ", parsed->access_key,
                        ") as the key the service accepts uploads from"));
  sink.Done(0);
}

}  // namespace leancache::lake
