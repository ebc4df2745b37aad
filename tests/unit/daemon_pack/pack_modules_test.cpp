// pack on a generated workspace: plans, archive contents and order, round trip through the
// unpacker, skip-existing vs force, missing outputs, the blob store, git HEAD.
#include <gtest/gtest.h>

#include <map>
#include <fstream>
#include <set>

#include "absl/strings/match.h"
#include "common/hash/lean_hash.h"
#include "common/ltar/archive.h"
#include "common/ltar/trace.h"
#include "common/ltar/unpacker.h"
#include "common/workspace/read_file.h"
#include "daemon/get/unpack_plan.h"
#include "daemon/index/index.h"
#include "daemon/pack/archive_plan.h"
#include "daemon/pack/git_state.h"
#include "daemon/pack/pack_modules.h"
#include "daemon/store/blob_store.h"
#include "tests/unit/daemon_pack/pack_fixture.h"

namespace leancache::pack {
namespace {

namespace fs = std::filesystem;
using testing::MakeProject;
using testing::Project;

class PackModulesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { project_ = MakeProject().release(); }
  static void TearDownTestSuite() {
    delete project_;
    project_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(project_, nullptr); }

  const Project& p() const { return *project_; }
  fs::path cache() const { return tmp_ / "cache"; }
  absl::StatusOr<std::string> Sha() const { return GitHead(p().root); }

  absl::StatusOr<PackReport> Pack(PackOptions options, const fs::path& dir) const {
    if (options.git_sha.empty()) {
      auto sha = Sha();
      if (!sha.ok()) return sha.status();
      options.git_sha = *sha;
    }
    return PackModules(p().scope, p().ws->root(), p().ws->mathlib_dir(), dir, options);
  }

  static Project* project_;
  leancache::testing::TempTree tmp_;
};
Project* PackModulesTest::project_ = nullptr;

// Stored file names of an archive, in order (mode-5 extras expanded), and its comments.
std::vector<std::string> StoredNames(const ltar::Archive& a) {
  std::vector<std::string> out;
  for (const ltar::Entry& e : a.entries()) {
    if (e.kind != ltar::Entry::Kind::kFile) continue;
    out.push_back(e.path.name);
    for (const auto& x : e.extra_paths) out.push_back(x.name);
  }
  return out;
}

TEST_F(PackModulesTest, PlanOrderAndNames) {
  size_t mathlib = 0, deps = 0;
  for (const auto* m : p().scope) {
    const keys::ModuleEntry& e = m->second;
    auto plan = PlanModuleArchive(e, p().ws->root(), p().ws->mathlib_dir());
    ASSERT_TRUE(plan.ok()) << m->first << ": " << plan.status();
    const bool in_mathlib = e.package_dir == p().ws->mathlib_dir();
    const std::string prefix = in_mathlib ? "." : e.search_entry;
    if (in_mathlib) {
      ++mathlib;
    } else {
      ++deps;
      EXPECT_TRUE(absl::StartsWith(prefix, ".lake/packages/")) << prefix;
    }
    const std::string lib = prefix + "/.lake/build/lib/lean/" + e.relative;
    const std::string ir = prefix + "/.lake/build/ir/" + e.relative;
    EXPECT_EQ(plan->trace, lib + ".trace");
    EXPECT_EQ(plan->base, p().ws->root());  // D is the root in a mathlib checkout
    std::vector<std::string> want = {lib + ".olean", lib + ".olean.server", lib + ".olean.private",
                                     lib + ".olean.hash", lib + ".olean.server.hash",
                                     lib + ".olean.private.hash", lib + ".ilean",
                                     lib + ".ilean.hash", ir + ".c", ir + ".c.hash"};
    EXPECT_EQ(plan->files, want) << m->first;
  }
  EXPECT_GT(mathlib, 0u);
  EXPECT_GT(deps, 0u);
}

TEST_F(PackModulesTest, OptionalFilesTakeTheirSlots) {
  const keys::ModuleEntry& e = p().scope.front()->second;
  const fs::path lib = e.package_dir / ".lake/build/lib/lean" / e.relative;
  const std::vector<std::string> added = {".ir", ".ir.hash", ".extra"};
  for (const auto& ext : added) std::ofstream(lib.string() + ext) << "x";
  auto plan = PlanModuleArchive(e, p().ws->root(), p().ws->mathlib_dir());
  for (const auto& ext : added) fs::remove(lib.string() + ext);
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->files.size(), 13u);
  EXPECT_TRUE(absl::EndsWith(plan->files[7], ".ilean.hash"));
  EXPECT_TRUE(absl::EndsWith(plan->files[8], ".ir"));
  EXPECT_TRUE(absl::EndsWith(plan->files[9], ".ir.hash"));
  EXPECT_TRUE(absl::EndsWith(plan->files[10], ".c"));
  EXPECT_TRUE(absl::EndsWith(plan->files[11], ".c.hash"));
  EXPECT_TRUE(absl::EndsWith(plan->files[12], ".extra"));
}

TEST_F(PackModulesTest, MissingRequiredFileIsNotPackable) {
  const auto* m = p().scope.back();
  const keys::ModuleEntry& e = m->second;
  const fs::path c = e.package_dir / ".lake/build/ir" / (e.relative + ".c.hash");
  const fs::path aside = tmp_ / "aside";
  fs::rename(c, aside);
  auto plan = PlanModuleArchive(e, p().ws->root(), p().ws->mathlib_dir());
  auto report = Pack({}, cache());
  fs::rename(aside, c);
  EXPECT_TRUE(absl::IsNotFound(plan.status())) << plan.status();
  EXPECT_NE(plan.status().message().find(".c.hash"), std::string::npos);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->not_packable, 1u);
  EXPECT_FALSE(fs::exists(cache() / (hash::Hex16(e.key) + ".ltar")));
  for (const auto& a : report->archives) EXPECT_NE(a.module, m->first);
}

TEST_F(PackModulesTest, PacksEveryModuleWithCommentAndOrder) {
  auto sha = Sha();
  ASSERT_TRUE(sha.ok()) << sha.status();
  EXPECT_EQ(sha->size(), 40u);
  auto report = Pack({}, cache());
  ASSERT_TRUE(report.ok()) << report.status();
  std::set<uint64_t> keys;
  for (const auto* m : p().scope) keys.insert(m->second.key);
  EXPECT_EQ(report->packed, keys.size());
  EXPECT_EQ(report->existing, 0u);
  EXPECT_EQ(report->not_packable, 0u);
  EXPECT_EQ(report->archives.size(), p().scope.size());
  for (size_t i = 1; i < report->archives.size(); ++i) {
    EXPECT_LT(report->archives[i - 1].source_display, report->archives[i].source_display);
  }
  for (const auto* m : p().scope) {
    const keys::ModuleEntry& e = m->second;
    auto archive = ltar::Archive::ReadFile((cache() / (hash::Hex16(e.key) + ".ltar")).string());
    ASSERT_TRUE(archive.ok()) << m->first << ": " << archive.status();
    auto plan = PlanModuleArchive(e, p().ws->root(), p().ws->mathlib_dir());
    ASSERT_TRUE(plan.ok());
    EXPECT_EQ(archive->trace_path(), plan->trace);
    EXPECT_EQ(archive->comments(), std::vector<std::string>{"git=mathlib4@" + *sha});
    ASSERT_FALSE(archive->entries().empty());
    EXPECT_EQ(archive->entries().front().kind, ltar::Entry::Kind::kComment);
    EXPECT_EQ(StoredNames(*archive), plan->files) << m->first;
    auto trace = workspace::ReadFileBytes(p().ws->root() / plan->trace);
    ASSERT_TRUE(trace.ok());
    auto dep = ltar::TraceDepHash(*trace);
    ASSERT_TRUE(dep.ok());
    EXPECT_EQ(archive->dep_hash(), *dep);
  }
}

TEST_F(PackModulesTest, ArchivesUnpackToIdenticalFiles) {
  auto report = Pack({}, cache());
  ASSERT_TRUE(report.ok()) << report.status();
  const fs::path empty = tmp_ / "copy";
  fs::create_directories(empty);
  size_t compared = 0;
  for (const auto& a : report->archives) {
    auto unpacked = ltar::UnpackArchiveFile((cache() / a.archive).string(), {empty.string()}, {});
    ASSERT_TRUE(unpacked.ok()) << a.archive << ": " << unpacked.status();
    const keys::ModuleEntry& e = p().keys.modules.at(a.module);
    auto plan = PlanModuleArchive(e, p().ws->root(), p().ws->mathlib_dir());
    ASSERT_TRUE(plan.ok());
    auto orig_trace = workspace::ReadFileBytes(p().ws->root() / plan->trace);
    auto new_trace = workspace::ReadFileBytes(empty / plan->trace);
    ASSERT_TRUE(orig_trace.ok() && new_trace.ok()) << plan->trace;
    EXPECT_EQ(*ltar::TraceDepHash(*orig_trace), *ltar::TraceDepHash(*new_trace));
    for (const std::string& name : plan->files) {
      auto want = workspace::ReadFileBytes(p().ws->root() / name);
      auto got = workspace::ReadFileBytes(empty / name);
      ASSERT_TRUE(want.ok() && got.ok()) << name;
      EXPECT_EQ(*got, *want) << name;
      ++compared;
    }
  }
  EXPECT_EQ(compared, p().scope.size() * 10);
}

// Downstream layout: Mathlib lives in .lake/packages/mathlib (D). Mathlib modules are stored
// relative to D ("./.lake/build/..."), other packages relative to the project root, so get's
// UnpackBase rule puts every file back where it came from.
TEST_F(PackModulesTest, DownstreamArchivesUnpackWithGetsRule) {
  const fs::path proj = tmp_ / "down";
  const fs::path d = proj / ".lake/packages/mathlib";
  fs::create_directories(d.parent_path());
  fs::copy(p().root, d, fs::copy_options::recursive);
  fs::remove_all(d / ".git");
  std::vector<std::string> entries;
  for (const auto& e : p().ws->search_path()) {
    if (e.text == ".") {
      entries.push_back(".lake/packages/mathlib");
    } else {
      entries.push_back(e.text);
      fs::rename(d / e.text, proj / e.text);
    }
  }
  auto ws = workspace::Workspace::FromSearchPath(proj, entries);
  ASSERT_TRUE(ws.ok()) << ws.status();
  ASSERT_EQ(ws->mathlib_dir(), d);
  keys::FileSourceReader reader;
  auto k = keys::ComputeKeys(*ws, {}, reader, {});
  ASSERT_TRUE(k.ok()) << k.status();
  std::vector<const std::pair<const std::string, keys::ModuleEntry>*> scope;
  for (const auto& e : k->modules) scope.push_back(&e);
  PackOptions options;
  options.git_sha = std::string(40, 'a');
  auto report = PackModules(scope, ws->root(), ws->mathlib_dir(), cache(), options);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->not_packable, 0u);
  ASSERT_EQ(report->archives.size(), scope.size());

  const fs::path fresh = tmp_ / "fresh";
  size_t mathlib = 0, deps = 0;
  for (const auto* m : scope) {
    const keys::ModuleEntry& e = m->second;
    auto archive = ltar::Archive::ReadFile((cache() / (hash::Hex16(e.key) + ".ltar")).string());
    ASSERT_TRUE(archive.ok()) << archive.status();
    const fs::path rel = get::UnpackBase(e, proj, d).lexically_relative(proj);
    if (e.package_dir == d) {
      ++mathlib;
      EXPECT_EQ(archive->trace_path(), "./.lake/build/lib/lean/" + e.relative + ".trace");
    } else {
      ++deps;
      EXPECT_TRUE(absl::StartsWith(archive->trace_path(), ".lake/packages/")) << archive->trace_path();
    }
    fs::create_directories(fresh / rel);
    auto unpacked = ltar::UnpackArchiveFile(archive->name(), {(fresh / rel).string()}, {});
    ASSERT_TRUE(unpacked.ok()) << unpacked.status();
    for (const std::string& name : StoredNames(*archive)) {
      auto want = workspace::ReadFileBytes(proj / rel / name);
      auto got = workspace::ReadFileBytes(fresh / rel / name);
      ASSERT_TRUE(want.ok() && got.ok()) << (rel / name);
      EXPECT_EQ(*got, *want) << (rel / name);
      EXPECT_TRUE(absl::StartsWith(fs::path(proj / rel / name).lexically_normal().string(),
                                   e.package_dir.string()))
          << name << " is not under " << e.package_dir;
    }
  }
  EXPECT_GT(mathlib, 0u);
  EXPECT_GT(deps, 0u);
}

TEST_F(PackModulesTest, SkipsExistingUnlessForced) {
  ASSERT_TRUE(Pack({}, cache()).ok());
  const keys::ModuleEntry& e = p().scope.front()->second;
  const fs::path one = cache() / (hash::Hex16(e.key) + ".ltar");
  const auto stamp = fs::last_write_time(one);

  auto again = Pack({}, cache());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->packed, 0u);
  EXPECT_EQ(again->archives.size(), p().scope.size());
  for (const auto& a : again->archives) EXPECT_FALSE(a.newly_packed);
  EXPECT_EQ(fs::last_write_time(one), stamp);

  PackOptions only_new;
  only_new.unpacked_only = true;
  auto none = Pack(only_new, cache());
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->archives.empty());

  // A zero-byte file is not an archive: it is repacked without `force`.
  { std::ofstream(one, std::ios::trunc); }
  auto repaired = Pack(only_new, cache());
  ASSERT_TRUE(repaired.ok());
  EXPECT_EQ(repaired->packed, 1u);
  EXPECT_TRUE(ltar::Archive::ReadFile(one.string()).ok());

  PackOptions force;
  force.force = true;
  auto forced = Pack(force, cache());
  ASSERT_TRUE(forced.ok());
  EXPECT_EQ(forced->existing, 0u);
  EXPECT_EQ(forced->archives.size(), p().scope.size());
  for (const auto& a : forced->archives) EXPECT_TRUE(a.newly_packed);
  for (const auto& entry : fs::directory_iterator(cache())) {
    EXPECT_EQ(entry.path().extension(), ".ltar") << "temp file left: " << entry.path();
  }
}

TEST_F(PackModulesTest, AdmitsArchivesToTheBlobStore) {
  auto index = index::Index::Open(tmp_ / "index");
  ASSERT_TRUE(index.ok()) << index.status();
  auto store = store::BlobStore::Open(cache(), index->get());
  ASSERT_TRUE(store.ok()) << store.status();
  PackOptions options;
  options.store = store->get();
  auto report = Pack(options, cache());
  ASSERT_TRUE(report.ok()) << report.status();
  auto listed = (*store)->ListKeys();
  ASSERT_TRUE(listed.ok());
  std::set<uint64_t> want;
  for (const auto* m : p().scope) want.insert(m->second.key);
  EXPECT_EQ(std::set<uint64_t>(listed->begin(), listed->end()), want);
  for (uint64_t k : want) EXPECT_TRUE((*store)->Verify(k).ok()) << hash::Hex16(k);

  options.force = true;
  ASSERT_TRUE(Pack(options, cache()).ok());
  for (uint64_t k : want) EXPECT_TRUE((*store)->Verify(k).ok()) << hash::Hex16(k);
  for (const auto& entry : fs::directory_iterator(cache())) {
    EXPECT_EQ(entry.path().extension(), ".ltar") << "temp file left: " << entry.path();
  }
}

TEST_F(PackModulesTest, GitFailureIsAClearError) {
  const fs::path plain = tmp_ / "not-a-repo";
  fs::create_directories(plain);
  auto sha = GitHead(plain);
  ASSERT_FALSE(sha.ok());
  EXPECT_NE(sha.status().message().find("git rev-parse HEAD failed in " + plain.string()),
            std::string::npos)
      << sha.status();
  auto clean = WorkingTreeClean(plain);
  EXPECT_FALSE(clean.ok());
}

TEST_F(PackModulesTest, WorkingTreeCleanFollowsGitStatus) {
  auto clean = WorkingTreeClean(p().root);
  ASSERT_TRUE(clean.ok()) << clean.status();
  EXPECT_TRUE(*clean);
  const fs::path extra = p().root / "Untracked.txt";
  std::ofstream(extra) << "x";
  auto dirty = WorkingTreeClean(p().root);
  fs::remove(extra);
  ASSERT_TRUE(dirty.ok()) << dirty.status();
  EXPECT_FALSE(*dirty);
}

}  // namespace
}  // namespace leancache::pack
