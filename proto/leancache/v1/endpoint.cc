#include "leancache/v1/endpoint.h"

#include <unistd.h>

#include <cstdlib>

namespace leancache::api {
namespace {

std::string Get(const std::map<std::string, std::string>& env, const char* name) {
  auto it = env.find(name);
  return it == env.end() ? std::string() : it->second;
}

}  // namespace

std::string ResolveSocketPath(const std::map<std::string, std::string>& env, unsigned uid) {
  if (std::string explicit_path = Get(env, "LEANCACHE_SOCKET"); !explicit_path.empty()) {
    return explicit_path;
  }
  if (std::string runtime = Get(env, "XDG_RUNTIME_DIR"); !runtime.empty()) {
    return runtime + "/leancache/leancached.sock";
  }
  return "/tmp/leancache-" + std::to_string(uid) + "/leancached.sock";
}

std::string ResolveSocketPathFromEnvironment() {
  std::map<std::string, std::string> env;
  for (const char* name : {"LEANCACHE_SOCKET", "XDG_RUNTIME_DIR"}) {
    if (const char* value = std::getenv(name)) env[name] = value;
  }
  return ResolveSocketPath(env, static_cast<unsigned>(getuid()));
}

std::string GrpcTarget(const std::string& socket_path) { return "unix:" + socket_path; }

std::string InstanceLockPath(const std::string& socket_path) { return socket_path + ".lock"; }

std::string SpawnLockPath(const std::string& socket_path) { return socket_path + ".spawn.lock"; }

}  // namespace leancache::api
