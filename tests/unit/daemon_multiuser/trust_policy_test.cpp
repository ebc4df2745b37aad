// The trust config parser and the access decision of the shared system cache.
#include "daemon/multiuser/trust_policy.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"

namespace leancache::multiuser {
namespace {

Principal User(uid_t uid, std::string name, std::vector<std::string> groups = {}) {
  return Principal{uid, std::move(name), std::move(groups)};
}

TrustPolicy Parse(const std::string& json) {
  auto policy = ParseTrustPolicy(json, "system.json");
  EXPECT_TRUE(policy.ok()) << policy.status();
  return policy.ok() ? *policy : TrustPolicy{};
}

TEST(ParseSubject, RecognisesEveryoneGroupsUidsAndNames) {
  EXPECT_EQ(ParseSubject("*", "x")->kind, Subject::Kind::kEveryone);
  auto group = ParseSubject("@builders", "x");
  ASSERT_TRUE(group.ok());
  EXPECT_EQ(group->kind, Subject::Kind::kGroup);
  EXPECT_EQ(group->name, "builders");
  auto uid = ParseSubject("1234", "x");
  ASSERT_TRUE(uid.ok());
  EXPECT_EQ(uid->kind, Subject::Kind::kUid);
  EXPECT_EQ(uid->uid, 1234u);
  auto user = ParseSubject("alice2", "x");
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(user->kind, Subject::Kind::kUser);
  EXPECT_EQ(user->name, "alice2");
  EXPECT_FALSE(ParseSubject("", "x").ok());
  EXPECT_FALSE(ParseSubject("@", "x").ok());
}

TEST(ParseTrustPolicy, EmptyObjectGivesDefaults) {
  TrustPolicy p = Parse("{}");
  ASSERT_EQ(p.readers.size(), 1u);
  EXPECT_EQ(p.readers[0].kind, Subject::Kind::kEveryone);
  EXPECT_TRUE(p.trusted_writers.empty());
  EXPECT_TRUE(p.untrusted_writes);
  EXPECT_EQ(p.quarantine_quota_bytes, TrustPolicy::kDefaultQuarantineQuota);
  EXPECT_EQ(p.daemon_uid, ::getuid());
}

TEST(ParseTrustPolicy, ReadsEveryKey) {
  TrustPolicy p = Parse(R"({"readers": ["alice", "@lean"], "trusted_writers": ["ci", "@trusted", "4242"],
                            "untrusted_writes": false, "quarantine_quota_bytes": 1000})");
  ASSERT_EQ(p.readers.size(), 2u);
  EXPECT_EQ(p.readers[1].kind, Subject::Kind::kGroup);
  ASSERT_EQ(p.trusted_writers.size(), 3u);
  EXPECT_EQ(p.trusted_writers[2].kind, Subject::Kind::kUid);
  EXPECT_FALSE(p.untrusted_writes);
  EXPECT_EQ(p.quarantine_quota_bytes, 1000u);
}

TEST(ParseTrustPolicy, RejectsTyposAndWrongTypesWithTheFileName) {
  auto typo = ParseTrustPolicy(R"({"trusted_writer": ["ci"]})", "/etc/leancache/system.json");
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.status().message().find("/etc/leancache/system.json"), std::string::npos);
  EXPECT_NE(typo.status().message().find("unknown key \"trusted_writer\""), std::string::npos);
  EXPECT_FALSE(ParseTrustPolicy(R"({"readers": "alice"})", "f").ok());
  EXPECT_FALSE(ParseTrustPolicy(R"({"readers": [1]})", "f").ok());
  EXPECT_FALSE(ParseTrustPolicy(R"({"readers": [""]})", "f").ok());
  EXPECT_FALSE(ParseTrustPolicy(R"({"untrusted_writes": "yes"})", "f").ok());
  EXPECT_FALSE(ParseTrustPolicy(R"({"quarantine_quota_bytes": -1})", "f").ok());
  EXPECT_FALSE(ParseTrustPolicy(R"({"quarantine_quota_bytes": 1.5})", "f").ok());
  EXPECT_FALSE(ParseTrustPolicy("[]", "f").ok());
  auto broken = ParseTrustPolicy("{", "f");
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("not valid JSON"), std::string::npos);
}

TEST(TrustPolicyDecide, TrustedUsersAndGroupsWriteTrusted) {
  TrustPolicy p = Parse(R"({"trusted_writers": ["ci", "@trusted", "4242"]})");
  p.daemon_uid = 999;
  EXPECT_EQ(p.Decide(User(1000, "ci")).write, WriteAccess::kTrusted);
  EXPECT_EQ(p.Decide(User(1001, "bob", {"bob", "trusted"})).write, WriteAccess::kTrusted);
  EXPECT_EQ(p.Decide(User(4242, "")).write, WriteAccess::kTrusted);
  Access other = p.Decide(User(1002, "carol", {"carol"}));
  EXPECT_TRUE(other.read);
  EXPECT_EQ(other.write, WriteAccess::kQuarantine);
  // A user name never matches a group of the same name, nor the reverse.
  EXPECT_EQ(p.Decide(User(1003, "trusted", {"users"})).write, WriteAccess::kQuarantine);
}

TEST(TrustPolicyDecide, RootAndTheDaemonItselfAreAlwaysTrusted) {
  TrustPolicy p = Parse(R"({"readers": ["nobody-here"]})");
  p.daemon_uid = 999;
  EXPECT_EQ(p.Decide(User(0, "root")).write, WriteAccess::kTrusted);
  EXPECT_TRUE(p.Decide(User(0, "root")).read);
  EXPECT_EQ(p.Decide(User(999, "leancache")).write, WriteAccess::kTrusted);
}

TEST(TrustPolicyDecide, ReadersListRestrictsReadingAndWriting) {
  TrustPolicy p = Parse(R"({"readers": ["alice", "@lean"], "trusted_writers": ["ci"]})");
  p.daemon_uid = 999;
  EXPECT_TRUE(p.Decide(User(1000, "alice")).read);
  EXPECT_TRUE(p.Decide(User(1001, "dave", {"lean"})).read);
  Access outsider = p.Decide(User(1002, "eve", {"eve"}));
  EXPECT_FALSE(outsider.read);
  EXPECT_EQ(outsider.write, WriteAccess::kNone);
  // A trusted writer reads even when not listed as a reader.
  EXPECT_TRUE(p.Decide(User(1003, "ci")).read);
  // Unknown uids (no passwd entry) match only "*" and numeric entries.
  EXPECT_FALSE(p.Decide(User(5000, "")).read);
}

TEST(TrustPolicyDecide, UntrustedWritesCanBeSwitchedOff) {
  TrustPolicy p = Parse(R"({"untrusted_writes": false, "trusted_writers": ["ci"]})");
  p.daemon_uid = 999;
  Access reader = p.Decide(User(1000, "alice"));
  EXPECT_TRUE(reader.read);
  EXPECT_EQ(reader.write, WriteAccess::kNone);
  EXPECT_EQ(p.Decide(User(1001, "ci")).write, WriteAccess::kTrusted);
}

TEST(LoadTrustPolicy, MissingFileGivesDefaultsInvalidFileIsAnError) {
  auto dir = std::filesystem::temp_directory_path() / ("trust-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto missing = LoadTrustPolicy(dir / "none.json");
  ASSERT_TRUE(missing.ok()) << missing.status();
  EXPECT_TRUE(missing->untrusted_writes);
  std::ofstream(dir / "bad.json") << R"({"readers": ["*"], "quota": 5})";
  auto bad = LoadTrustPolicy(dir / "bad.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find((dir / "bad.json").string()), std::string::npos);
  std::ofstream(dir / "good.json") << R"({"trusted_writers": ["@wheel"]})";
  auto good = LoadTrustPolicy(dir / "good.json");
  ASSERT_TRUE(good.ok()) << good.status();
  EXPECT_EQ(good->trusted_writers.size(), 1u);
  std::filesystem::remove_all(dir);
}

TEST(ResolvePrincipal, RootHasItsNameAndGroup) {
  Principal root = ResolvePrincipal(0, 0);
  EXPECT_EQ(root.uid, 0u);
  EXPECT_EQ(root.user, "root");
  EXPECT_NE(std::find(root.groups.begin(), root.groups.end(), "root"), root.groups.end());
  Principal ghost = ResolvePrincipal(3999999, 3999999);
  EXPECT_TRUE(ghost.user.empty());
}

}  // namespace
}  // namespace leancache::multiuser
