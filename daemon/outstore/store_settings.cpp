#include "daemon/outstore/store_settings.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <mutex>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/fs/atomic_file.h"
#include "common/fs/clone_file.h"
#include "common/fs/fd.h"
#include "daemon/sources/env_value.h"

namespace leancache::outstore {
namespace {

absl::StatusOr<StoreMode> ParseMode(std::string text, absl::string_view what) {
  text = sources::AsciiLower(sources::TrimAscii(text));
  if (text == "auto") return StoreMode::kAuto;
  if (text == "on") return StoreMode::kOn;
  if (text == "off") return StoreMode::kOff;
  return absl::InvalidArgumentError(absl::StrCat(what, " must be \"auto\", \"on\" or \"off\", not \"", text, "\""));
}

std::optional<std::string> ConfigString(const nlohmann::json& extra, const char* key) {
  if (!extra.is_object() || !extra.contains(key) || !extra[key].is_string()) return std::nullopt;
  return extra[key].get<std::string>();
}

bool Probe(const std::filesystem::path& store_root, const std::filesystem::path& target_dir) {
  auto src = fs::AtomicFile::Create((store_root / "tmp" / "probe").string(), fs::AtomicFile::Options{0600, false});
  if (!src.ok() || !src->Write("leancache reflink probe\n").ok()) return false;
  auto dst = fs::AtomicFile::Create((target_dir / "probe").string(), fs::AtomicFile::Options{0600, false});
  if (!dst.ok()) return false;
  fs::Fd in(::open(src->temp_path().c_str(), O_RDONLY | O_CLOEXEC));
  if (!in.valid()) return false;
  auto method = fs::CloneFileContents(in.get(), dst->fd(), dst->temp_path());
  return method.ok() && *method == fs::CloneMethod::kReflink;  // both temporaries are abandoned
}

}  // namespace

absl::StatusOr<StoreSettings> ResolveStoreSettings(const nlohmann::json& config_extra,
                                                   const std::map<std::string, std::string>& env) {
  StoreSettings settings;
  if (auto v = sources::NonEmptyEnv(env, "LEANCACHE_OUTPUT_STORE")) {
    auto mode = ParseMode(*v, "LEANCACHE_OUTPUT_STORE");
    if (!mode.ok()) return mode.status();
    settings.mode = *mode;
  } else if (auto c = ConfigString(config_extra, "output_store")) {
    auto mode = ParseMode(*c, "config \"output_store\"");
    if (!mode.ok()) return mode.status();
    settings.mode = *mode;
  }
  std::optional<std::string> dir = sources::NonEmptyEnv(env, "LEANCACHE_OUTPUT_STORE_DIR");
  if (!dir) dir = ConfigString(config_extra, "output_store_dir");
  if (dir) {
    settings.root = *dir;
    if (!settings.root.is_absolute()) {
      return absl::InvalidArgumentError(absl::StrCat("the output store directory must be absolute, not \"", *dir, "\""));
    }
  } else if (auto xdg = sources::NonEmptyEnv(env, "XDG_CACHE_HOME")) {
    settings.root = std::filesystem::path(*xdg) / "leancache" / "outputs";
  } else if (auto home = sources::NonEmptyEnv(env, "HOME")) {
    settings.root = std::filesystem::path(*home) / ".cache" / "leancache" / "outputs";
  } else {
    settings.mode = StoreMode::kOff;
  }
  return settings;
}

bool ReflinkWorks(const std::filesystem::path& store_root, const std::filesystem::path& target_dir) {
  struct stat a, b;
  if (::stat(store_root.c_str(), &a) != 0 || ::stat(target_dir.c_str(), &b) != 0) return false;
  static std::mutex mu;
  static absl::flat_hash_map<std::pair<dev_t, dev_t>, bool> known;
  std::lock_guard<std::mutex> lock(mu);
  auto it = known.find({a.st_dev, b.st_dev});
  if (it != known.end()) return it->second;
  const bool works = Probe(store_root, target_dir);  // btrfs subvolumes differ in st_dev yet clone
  known[{a.st_dev, b.st_dev}] = works;
  return works;
}

}  // namespace leancache::outstore
