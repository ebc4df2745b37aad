#pragma once
// The one owner of a download's temp file in CACHEDIR (made by BlobStore::TempPathFor): the
// file is removed when its owner goes away, unless Keep() said the transfer delivered into it
// (the blob store then renamed it into place). A transfer that never started, failed, was
// cancelled or brought something that is not an archive leaves nothing behind.

#include <filesystem>
#include <system_error>
#include <utility>

namespace leancache::get {

class DownloadTemp {
 public:
  DownloadTemp() = default;
  explicit DownloadTemp(std::filesystem::path path) : path_(std::move(path)) {}
  ~DownloadTemp() { Remove(); }
  DownloadTemp(DownloadTemp&& other) noexcept : path_(std::exchange(other.path_, {})) {}
  DownloadTemp& operator=(DownloadTemp&& other) noexcept {
    if (this != &other) {
      Remove();
      path_ = std::exchange(other.path_, {});
    }
    return *this;
  }
  DownloadTemp(const DownloadTemp&) = delete;
  DownloadTemp& operator=(const DownloadTemp&) = delete;

  // The temp file's path (empty once kept or moved from).
  const std::filesystem::path& path() const { return path_; }

  // The file is no longer ours to remove.
  void Keep() { path_.clear(); }

 private:
  void Remove() {
    if (path_.empty()) return;
    std::error_code ec;  // already renamed or removed: nothing to do
    std::filesystem::remove(path_, ec);
    path_.clear();
  }

  std::filesystem::path path_;
};

}  // namespace leancache::get
