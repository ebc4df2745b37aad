// A temporary directory tree for tests; removed on destruction.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace leancache::testing {

class TempTree {
 public:
  TempTree() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "leancache-test-XXXXXX").string();
    char* made = ::mkdtemp(tmpl.data());
    root_ = made != nullptr ? std::filesystem::path(made) : std::filesystem::path();
    root_ = std::filesystem::canonical(root_);
  }
  ~TempTree() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path operator/(std::string_view rel) const { return root_ / rel; }

  // Writes `content` to root/rel, creating parent directories.
  std::filesystem::path Write(std::string_view rel, std::string_view content) const {
    std::filesystem::path p = root_ / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    return p;
  }
  void MakeDir(std::string_view rel) const { std::filesystem::create_directories(root_ / rel); }

 private:
  std::filesystem::path root_;
};

// A minimal lake-manifest.json listing git packages by name.
inline std::string ManifestWith(std::initializer_list<const char*> names) {
  std::string s = "{\"version\": \"1.1.0\",\n \"packagesDir\": \".lake/packages\",\n \"packages\": [";
  bool first = true;
  for (const char* n : names) {
    if (!first) s += ",";
    first = false;
    s += "\n  {\"url\": \"https://example.invalid/" + std::string(n) +
         "\", \"type\": \"git\", \"subDir\": null, \"scope\": \"x\", \"rev\": \"0123\", \"name\": \"" +
         n + "\", \"manifestFile\": \"lake-manifest.json\", \"inputRev\": \"main\", "
         "\"inherited\": false, \"configFile\": \"lakefile.toml\"}";
  }
  s += "],\n \"name\": \"mathlib\",\n \"lakeDir\": \".lake\"}\n";
  return s;
}

}  // namespace leancache::testing
