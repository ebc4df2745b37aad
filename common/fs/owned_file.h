// A file that is ours to remove: a download's or upload's temporary file, removed when its owner
// goes away unless Release() said someone else took it (renamed it into place, adopted it).
#pragma once

#include <filesystem>
#include <utility>

namespace leancache::fs {

class OwnedFile {
 public:
  OwnedFile() = default;
  explicit OwnedFile(std::filesystem::path path) : path_(std::move(path)) {}
  ~OwnedFile() { Remove(); }
  OwnedFile(OwnedFile&& other) noexcept : path_(std::exchange(other.path_, {})) {}
  OwnedFile& operator=(OwnedFile&& other) noexcept {
    if (this != &other) {
      Remove();
      path_ = std::exchange(other.path_, {});
    }
    return *this;
  }
  OwnedFile(const OwnedFile&) = delete;
  OwnedFile& operator=(const OwnedFile&) = delete;

  // The file's path (empty once released or moved from).
  const std::filesystem::path& path() const { return path_; }

  // Stops owning the file: it is no longer removed.
  void Release() { path_.clear(); }

 private:
  // Unlinks the file; one already renamed or removed is not an error.
  void Remove();

  std::filesystem::path path_;
};

}  // namespace leancache::fs
