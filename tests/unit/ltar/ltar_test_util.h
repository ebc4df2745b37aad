// Helpers shared by the ltar unit tests: vector locations, temp dirs, directory trees.
#pragma once

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <map>
#include <string>
#include <vector>

#include "common/fs/fd.h"
#include "common/ltar/archive.h"
#include "common/ltar/entry_decoder.h"
#include "gtest/gtest.h"

namespace leancache::ltar::testing {

inline std::string VectorDir() { return std::string(LEANCACHE_SHARED_DIR) + "/vectors/ltar"; }
inline std::string VectorPath(const std::string& rel) { return VectorDir() + "/" + rel; }

inline std::string ReadOrDie(const std::string& path) {
  absl::StatusOr<std::string> s = fs::ReadFile(path);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *s : std::string();
}

inline std::string TempDir() {
  char tmpl[] = "/tmp/ltar_test_XXXXXX";
  char* d = mkdtemp(tmpl);
  EXPECT_NE(d, nullptr);
  char* r = realpath(d, nullptr);
  std::string out(r);
  free(r);
  return out;
}

// All regular files (and symlinks, as "->target") below `dir`, keyed by relative path.
inline void ReadTreeInto(const std::string& dir, const std::string& rel,
                         std::map<std::string, std::string>& out) {
  DIR* d = opendir(dir.c_str());
  if (!d) return;
  while (dirent* e = readdir(d)) {
    std::string n = e->d_name;
    if (n == "." || n == "..") continue;
    std::string full = dir + "/" + n;
    std::string r = rel.empty() ? n : rel + "/" + n;
    struct stat st;
    if (lstat(full.c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      ReadTreeInto(full, r, out);
    } else if (S_ISLNK(st.st_mode)) {
      char buf[4096];
      ssize_t k = readlink(full.c_str(), buf, sizeof buf);
      out[r] = "->" + std::string(buf, k > 0 ? static_cast<size_t>(k) : 0);
    } else {
      out[r] = ReadOrDie(full);
    }
  }
  closedir(d);
}

inline std::map<std::string, std::string> ReadTree(const std::string& dir) {
  std::map<std::string, std::string> out;
  ReadTreeInto(dir, "", out);
  return out;
}

// A compact, printable form of a tree for comparisons: path -> "<size> bytes #<hash>", with
// short text contents shown verbatim.
inline std::map<std::string, std::string> Summary(const std::map<std::string, std::string>& t) {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : t) {
    bool printable = v.size() <= 300;
    for (char c : v) printable = printable && (c == '\n' || (c >= 32 && c < 127));
    out[k] = printable ? "\"" + v + "\""
                       : std::to_string(v.size()) + " bytes #" +
                             std::to_string(std::hash<std::string>()(v));
  }
  return out;
}

// A structural description of an archive: one line per entry plus decoded contents.
struct ArchiveDesc {
  std::string header;               // "LTR3 <hash> <trace path>"
  std::string trace;                // decoded trace text
  std::string trace_mode;           // "-" for v1
  std::vector<std::string> entries; // "comment:<text>" or "<base>:<name> mode<m> [extras]"
  std::vector<std::vector<std::string>> contents;  // decoded contents per entry
};

inline ArchiveDesc Describe(const Archive& a) {
  ArchiveDesc d;
  d.header = std::string(MagicFor(a.version())) + " " + std::to_string(a.dep_hash()) + " " +
             a.trace_path();
  DecodeBudget budget;
  absl::StatusOr<std::string> t = DecodeTrace(a, budget);
  EXPECT_TRUE(t.ok()) << t.status();
  d.trace = t.ok() ? *t : "<error>";
  d.trace_mode = a.trace_entry() ? std::to_string(static_cast<int>(a.trace_entry()->mode)) : "-";
  for (const Entry& e : a.entries()) {
    if (e.kind == Entry::Kind::kComment) {
      d.entries.push_back("comment:" + e.comment);
      d.contents.push_back({});
      continue;
    }
    std::string line = std::to_string(e.path.base) + ":" + e.path.name + " mode" +
                       std::to_string(static_cast<int>(e.mode));
    for (const EntryPath& p : e.extra_paths) line += " +" + std::to_string(p.base) + ":" + p.name;
    d.entries.push_back(line);
    absl::StatusOr<std::vector<std::string>> c = DecodeEntry(a, e, budget);
    EXPECT_TRUE(c.ok()) << line << ": " << c.status();
    d.contents.push_back(c.ok() ? *c : std::vector<std::string>{"<error>"});
  }
  return d;
}

}  // namespace leancache::ltar::testing
