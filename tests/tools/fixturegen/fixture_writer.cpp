#include "fixture_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <span>
#include <system_error>
#include <unordered_map>
#include <unordered_set>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "common/hash/lean_hash.h"
#include "real_outputs.h"

namespace leancache::fixturegen {
namespace fs = std::filesystem;

namespace {

constexpr const char* kToolchain = "leanprover/lean4:v4.32.0-rc1\n";

// splitmix64: small, deterministic, good enough for synthetic bodies.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  uint64_t Below(uint64_t n) { return n == 0 ? 0 : Next() % n; }

 private:
  uint64_t s_;
};

std::string RootOf(const std::string& module) { return module.substr(0, module.find('.')); }

std::string RelPath(const std::string& module) {
  return absl::StrReplaceAll(module, {{".", "/"}});
}

class Writer {
 public:
  absl::Status Write(const fs::path& file, std::string_view bytes) {
    const fs::path dir = file.parent_path();
    if (made_dirs_.insert(dir.string()).second) {
      std::error_code ec;
      fs::create_directories(dir, ec);
      if (ec) return absl::UnavailableError(absl::StrCat(dir.string(), ": ", ec.message()));
    }
    int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return absl::UnavailableError(absl::StrCat(file.string(), ": ", std::strerror(errno)));
    size_t off = 0;
    while (off < bytes.size()) {
      ssize_t n = ::write(fd, bytes.data() + off, bytes.size() - off);
      if (n < 0) {
        if (errno == EINTR) continue;
        int err = errno;
        ::close(fd);
        return absl::UnavailableError(absl::StrCat(file.string(), ": ", std::strerror(err)));
      }
      off += static_cast<size_t>(n);
    }
    if (::close(fd) != 0) {
      return absl::UnavailableError(absl::StrCat(file.string(), ": ", std::strerror(errno)));
    }
    return absl::OkStatus();
  }

 private:
  std::unordered_set<std::string> made_dirs_;
};

// A Lean source: comment header, `import` lines in order, a module doc, then filler
// declarations up to `target` bytes (never cutting into the header).
std::string SourceText(const std::string& module, const std::vector<std::string>& imports,
                       uint64_t target, uint64_t seed) {
  std::string s = "/-\nCopyright (c) 2026 leancache fixturegen. Synthetic file, not Mathlib.\n-/\n";
  for (const std::string& imp : imports) absl::StrAppend(&s, "import ", imp, "\n");
  absl::StrAppend(&s, "\n/-!\n# ", module, "\n\nSynthetic body (seed ", seed, ").\n-/\n\n");
  Rng rng(seed ^ hash::StringHash(module));
  static const char* kWords[] = {"add_comm", "mul_assoc", "le_refl", "map_id", "comp_apply",
                                 "zero_add", "smul_eq", "norm_nonneg", "card_pos", "ext_iff"};
  size_t k = 0;
  while (s.size() < target) {
    uint64_t a = rng.Below(1000), b = rng.Below(1000);
    absl::StrAppend(&s, "theorem ", kWords[rng.Below(10)], "_", k++, " : ", a, " + ", b, " = ", b,
                    " + ", a, " := Nat.add_comm ", a, " ", b, "\n\n");
  }
  if (s.size() > target) {
    // Trim the filler to the exact size, ending with a newline when possible.
    size_t header_end = s.find("-/\n\n", s.find("/-!")) + 4;
    if (target >= header_end) {
      s.resize(target);
      if (!s.empty()) s.back() = '\n';
    }
  }
  return s;
}

// Semi-compressible synthetic bytes (a realistic mix for zstd): random runs and repeats.
std::string ArtifactBytes(std::string_view magic, const std::string& module, uint64_t size,
                          uint64_t seed) {
  std::string out(magic);
  Rng rng(seed ^ hash::StringHash(module) ^ hash::StringHash(magic));
  while (out.size() < size) {
    if (rng.Below(2) == 0) {
      for (int i = 0; i < 8; ++i) {
        uint64_t v = rng.Next();
        out.append(reinterpret_cast<const char*>(&v), 8);
      }
    } else {
      out.append(module);
      out.push_back('\0');
    }
  }
  out.resize(std::max<uint64_t>(size, magic.size()));
  return out;
}

// Lake writes .hash files as 16 hex digits. A hash that is all decimal digits does not survive
// leantar's numeric .hash encoding byte for byte, so the content is salted until its hash has
// a hex letter (deterministic).
std::string HashedArtifact(std::string_view magic, const std::string& module, uint64_t size,
                           uint64_t seed, std::string* hash_text) {
  std::string bytes = ArtifactBytes(magic, module, size, seed);
  for (unsigned char salt = 0;; ++salt) {
    std::string hex = hash::Hex16(hash::BytesHash(bytes));
    if (hex.find_first_of("abcdef") != std::string::npos) {
      *hash_text = hex;
      return bytes;
    }
    bytes.back() = static_cast<char>(salt);
  }
}

// Writes the realistic outputs of `module` (real_outputs.h) as <lib_stem>.{olean,olean.server,
// olean.private,ilean} and <ir_stem>.c, each with its .hash file, recording the hashes. Lake's
// .hash files must contain a hex letter (see HashedArtifact), so the rare module whose hashes are
// all decimal is generated again with the next seed.
template <typename Emit>
absl::Status WriteRealOutputs(const std::string& module, uint64_t olean_bytes, uint64_t seed,
                              const fs::path& lib_stem, const fs::path& ir_stem, Emit& emit,
                              std::map<std::string, std::string>& hashes) {
  auto hex = [](std::string_view bytes) { return hash::Hex16(hash::BytesHash(bytes)); };
  auto decimal = [](const std::string& h) { return h.find_first_of("abcdef") == std::string::npos; };
  RealOutputs o;
  for (uint64_t attempt = 0;; ++attempt) {
    o = MakeRealOutputs(module, olean_bytes, seed + attempt);
    bool ok = !decimal(hex(o.ilean)) && !decimal(hex(o.c));
    for (const std::string& f : o.oleans) ok = ok && !decimal(hex(f));
    if (ok) break;
  }
  const char* exts[] = {"olean", "olean.server", "olean.private"};
  std::vector<std::pair<fs::path, const std::string*>> files;
  for (size_t i = 0; i < 3; ++i) files.emplace_back(fs::path(lib_stem.string() + "." + exts[i]), &o.oleans[i]);
  files.emplace_back(fs::path(lib_stem.string() + ".ilean"), &o.ilean);
  files.emplace_back(fs::path(ir_stem.string() + ".c"), &o.c);
  const char* keys[] = {"olean", "olean.server", "olean.private", "ilean", "c"};
  for (size_t i = 0; i < files.size(); ++i) {
    std::string h = hex(*files[i].second);
    if (auto st = emit(files[i].first, *files[i].second); !st.ok()) return st;
    if (auto st = emit(fs::path(files[i].first.string() + ".hash"), h); !st.ok()) return st;
    hashes[keys[i]] = h;
  }
  return absl::OkStatus();
}

std::string ManifestJson() {
  struct Dep { const char* name; const char* scope; const char* rev8; const char* config; };
  static const Dep kDeps[] = {
      {"plausible", "leanprover-community", "f3c7bd50", "lakefile.toml"},
      {"LeanSearchClient", "leanprover-community", "c5d5b8fe", "lakefile.toml"},
      {"importGraph", "leanprover-community", "41f407a8", "lakefile.toml"},
      {"proofwidgets", "leanprover-community", "e6518a67", "lakefile.lean"},
      {"aesop", "leanprover-community", "b5b9e2bb", "lakefile.toml"},
      {"Qq", "leanprover-community", "7a62bd13", "lakefile.toml"},
      {"batteries", "leanprover-community", "77d3cc51", "lakefile.toml"},
      {"Cli", "leanprover", "406ebb8c", "lakefile.toml"},
  };
  nlohmann::ordered_json doc;
  doc["version"] = "1.1.0";
  doc["packagesDir"] = ".lake/packages";
  nlohmann::ordered_json pkgs = nlohmann::ordered_json::array();
  for (const Dep& d : kDeps) {
    // Only 8 hex digits of each revision are known; the rest is synthetic (deterministic).
    std::string rev = std::string(d.rev8) + hash::Hex16(hash::StringHash(d.name)) +
                      hash::Hex16(hash::StringHash(d.rev8));
    nlohmann::ordered_json p;
    p["url"] = absl::StrCat("https://github.com/", d.scope, "/", d.name);
    p["type"] = "git";
    p["subDir"] = nullptr;
    p["scope"] = d.scope;
    p["rev"] = rev;
    p["name"] = d.name;
    p["manifestFile"] = "lake-manifest.json";
    p["inputRev"] = "main";
    p["inherited"] = false;
    p["configFile"] = d.config;
    pkgs.push_back(p);
  }
  doc["packages"] = pkgs;
  doc["name"] = "mathlib";
  doc["lakeDir"] = ".lake";
  return doc.dump(1) + "\n";
}

std::string LakefileText() {
  std::string s = "import Lake\n\nopen Lake DSL\n\n/-! Synthetic lakefile written by leancache-fixturegen. -/\n\n";
  for (const auto& [root, dir] : DependencyPackages()) {
    absl::StrAppend(&s, "require \"leanprover-community\" / \"", dir, "\" @ git \"main\"\n");
  }
  absl::StrAppend(&s, "\npackage mathlib where\n  testDriver := \"MathlibTest\"\n\n",
                  "@[default_target]\nlean_lib Mathlib where\n\nlean_lib Cache\n\n",
                  "lean_lib Archive\n\nlean_lib Counterexamples\n");
  return s;
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& DependencyPackages() {
  static const std::vector<std::pair<std::string, std::string>> kDeps = {
      {"Batteries", "batteries"},     {"Aesop", "aesop"},
      {"Qq", "Qq"},                   {"ProofWidgets", "proofwidgets"},
      {"Plausible", "plausible"},     {"LeanSearchClient", "LeanSearchClient"},
      {"ImportGraph", "importGraph"}, {"Cli", "Cli"}};
  return kDeps;
}

absl::StatusOr<FixtureSummary> WriteFixture(const std::vector<GraphModule>& graph,
                                            const FixtureOptions& opt) {
  static const std::set<std::string> kAggregators = {"Mathlib", "Archive", "Counterexamples"};
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < graph.size(); ++i) index.emplace(graph[i].name, i);

  // Choose the modules: all, or the first N of a seeded random topological order (every
  // prefix of a topological order is closed under imports).
  std::vector<bool> chosen(graph.size(), false);
  {
    std::vector<size_t> order;
    std::vector<size_t> indegree(graph.size(), 0);
    std::vector<std::vector<size_t>> users(graph.size());
    for (size_t i = 0; i < graph.size(); ++i) {
      if (kAggregators.count(graph[i].name)) continue;
      std::set<size_t> deps;
      for (const std::string& imp : graph[i].imports) {
        auto it = index.find(imp);
        if (it != index.end() && !kAggregators.count(imp)) deps.insert(it->second);
      }
      indegree[i] = deps.size();
      for (size_t d : deps) users[d].push_back(i);
    }
    std::vector<size_t> ready;
    for (size_t i = 0; i < graph.size(); ++i) {
      if (!kAggregators.count(graph[i].name) && indegree[i] == 0) ready.push_back(i);
    }
    Rng rng(opt.seed);
    while (!ready.empty()) {
      size_t pick = rng.Below(ready.size());
      size_t m = ready[pick];
      ready[pick] = ready.back();
      ready.pop_back();
      order.push_back(m);
      for (size_t u : users[m]) {
        if (--indegree[u] == 0) ready.push_back(u);
      }
    }
    const size_t n = opt.limit == 0 ? order.size() : std::min(opt.limit, order.size());
    for (size_t k = 0; k < n; ++k) chosen[order[k]] = true;
    for (size_t i = 0; i < graph.size(); ++i) {
      if (kAggregators.count(graph[i].name)) chosen[i] = true;
    }
  }

  std::map<std::string, std::string> dep_dir;
  for (const auto& [root, dir] : DependencyPackages()) dep_dir[root] = dir;

  Writer w;
  FixtureSummary summary;
  const fs::path out = opt.out;
  std::set<std::string> stubs;
  // (package dir, module, source size) of everything written, for --artifacts.
  std::vector<std::tuple<fs::path, std::string, uint64_t>> written;

  for (size_t i = 0; i < graph.size(); ++i) {
    if (!chosen[i]) continue;
    const GraphModule& m = graph[i];
    std::vector<std::string> imports;
    for (const std::string& imp : m.imports) {
      auto it = index.find(imp);
      if (it != index.end() && !chosen[it->second]) continue;  // only with --limit (aggregators)
      imports.push_back(imp);
      if (it == index.end() && dep_dir.count(RootOf(imp))) stubs.insert(imp);
    }
    const uint64_t target = static_cast<uint64_t>(std::llround(m.bytes * opt.size_scale));
    std::string text = SourceText(m.name, imports, target, opt.seed);
    summary.source_bytes += text.size();
    if (auto st = w.Write(out / (RelPath(m.name) + ".lean"), text); !st.ok()) return st;
    summary.graph_modules.push_back(m.name);
    written.emplace_back(out, m.name, text.size());
  }
  for (const std::string& stub : stubs) {
    const fs::path pkg = out / ".lake" / "packages" / dep_dir[RootOf(stub)];
    std::string text = absl::StrCat("-- Synthetic stub of ", stub, " (leancache-fixturegen)\n",
                                    "prelude\n\ndef stub : Nat := ", hash::StringHash(stub) % 1000, "\n");
    if (auto st = w.Write(pkg / (RelPath(stub) + ".lean"), text); !st.ok()) return st;
    summary.stub_modules.push_back(stub);
    written.emplace_back(pkg, stub, text.size());
  }

  struct Fixed { const char* path; std::string text; };
  const Fixed fixed[] = {
      {"lakefile.lean", LakefileText()},
      {"lean-toolchain", kToolchain},
      {"lake-manifest.json", ManifestJson()},
      {"Cache/IO.lean",
       absl::StrCat("/-\nSynthetic Cache/IO.lean (leancache-fixturegen).\n-/\n\nnamespace Cache.IO\n\n",
                    "/-- Bump to invalidate every cache key. -/\n",
                    "def rootHashGeneration : UInt64 := ", opt.generation, "\n\nend Cache.IO\n")},
  };
  for (const Fixed& f : fixed) {
    if (auto st = w.Write(out / f.path, f.text); !st.ok()) return st;
  }
  for (const auto& [root, dir] : DependencyPackages()) {
    const fs::path pkg = out / ".lake" / "packages" / dir;
    if (auto st = w.Write(pkg / "lean-toolchain", kToolchain); !st.ok()) return st;
  }

  if (opt.artifacts) {
    struct Art { const char* ext; const char* magic; double factor; };
    static const Art kArts[] = {{"olean", "SYNTHOLEAN\0", 4.0},
                                {"olean.server", "SYNTHSERVER\0", 0.5},
                                {"olean.private", "SYNTHPRIVATE\0", 1.5},
                                {"ilean", "{\"version\":4,\"module\":", 0.6}};
    for (const auto& [pkg, module, src_size] : written) {
      const fs::path lib = pkg / ".lake" / "build" / "lib" / "lean";
      const fs::path ir = pkg / ".lake" / "build" / "ir";
      const std::string rel = RelPath(module);
      std::map<std::string, std::string> hashes;
      auto emit = [&](const fs::path& file, const std::string& bytes) -> absl::Status {
        summary.artifact_files++;
        summary.artifact_bytes += bytes.size();
        return w.Write(file, bytes);
      };
      if (opt.real_oleans) {
        // Dependency stubs have tiny sources; size their outputs like a median Mathlib module.
        const bool stub = pkg != out;
        const uint64_t size = OleanTargetBytes(
            stub ? 2000 + hash::StringHash(module) % 20000 : src_size, opt.artifact_scale);
        if (auto st = WriteRealOutputs(module, size, opt.seed, lib / rel, ir / rel, emit, hashes);
            !st.ok()) {
          return st;
        }
      }
      for (const Art& a : opt.real_oleans ? std::span<const Art>() : std::span<const Art>(kArts)) {
        uint64_t size = std::max<uint64_t>(
            32, static_cast<uint64_t>(std::llround(src_size * a.factor * opt.artifact_scale)));
        std::string h;
        std::string bytes = HashedArtifact(a.magic, module, size, opt.seed, &h);
        if (auto st = emit(lib / (rel + "." + a.ext), bytes); !st.ok()) return st;
        if (auto st = emit(lib / (rel + "." + a.ext + ".hash"), h); !st.ok()) return st;
        hashes[a.ext] = h;
      }
      if (!opt.real_oleans) {
        uint64_t size = std::max<uint64_t>(
            32, static_cast<uint64_t>(std::llround(src_size * 3.0 * opt.artifact_scale)));
        std::string h;
        std::string bytes = HashedArtifact("// Lean compiler output (synthetic)\n", module, size,
                                           opt.seed, &h);
        if (auto st = emit(ir / (rel + ".c"), bytes); !st.ok()) return st;
        if (auto st = emit(ir / (rel + ".c.hash"), h); !st.ok()) return st;
        hashes["c"] = h;
      }
      nlohmann::ordered_json trace;
      trace["schemaVersion"] = "2025-09-10";
      trace["depHash"] = hash::Hex16(hash::MixHash(opt.seed, hash::StringHash(module)));
      trace["outputs"]["o"] = {hashes["olean"] + ".olean", hashes["olean.server"] + ".olean.server",
                               hashes["olean.private"] + ".olean.private"};
      trace["outputs"]["i"] = hashes["ilean"] + ".ilean";
      trace["outputs"]["c"] = hashes["c"] + ".c";
      trace["log"] = nlohmann::ordered_json::array();
      if (auto st = emit(lib / (rel + ".trace"), trace.dump()); !st.ok()) return st;
    }
  }

  nlohmann::ordered_json index_doc;
  index_doc["generator"] = "leancache-fixturegen";
  index_doc["seed"] = opt.seed;
  index_doc["limit"] = opt.limit;
  index_doc["generation"] = opt.generation;
  index_doc["graph_modules"] = summary.graph_modules;
  index_doc["stub_modules"] = summary.stub_modules;
  if (auto st = w.Write(out / ".fixturegen.json", index_doc.dump(1) + "\n"); !st.ok()) return st;
  return summary;
}

}  // namespace leancache::fixturegen
