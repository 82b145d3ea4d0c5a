#include "state/store.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "state/file_lock.h"
#include "state/go_json.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"
#include "util/crash_point.h"
#include "util/files.h"

namespace state {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;
using ::testing_util::StatusIs;
using Json = nlohmann::ordered_json;

PreparedClaim Completed(const std::string& name) {
  PreparedClaim c;
  c.state = ClaimState::kPrepareCompleted;
  c.status = Json::parse(R"({"allocation":{"devices":{"results":[]}}})");
  c.prepared_devices = Json::parse(R"([{"devices":[]}])");
  c.name = name;
  c.namespace_ = "ns";
  return c;
}

void WriteRaw(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
}

std::vector<std::string> ListDir(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

absl::Status AddClaim(CheckpointStore& s, const std::string& uid, PreparedClaim c) {
  return s.Update([&](Checkpoint& cp) {
    cp.claims[uid] = c;
    return absl::OkStatus();
  });
}

TEST(CheckpointStoreTest, OpenCreatesEmptyCheckpointWithBootId) {
  std::string dir = testing_util::UniqueTempDir() + "/plugin";
  CheckpointStore store(dir, "boot-1");
  auto report = store.Open();
  ASSERT_OK(report);
  EXPECT_TRUE(report->created);
  EXPECT_FALSE(report->boot_id_changed);
  EXPECT_THAT(report->problems, IsEmpty());
  auto cp = Decode(*util::ReadFile(dir + "/checkpoint.json"));
  ASSERT_OK(cp);
  EXPECT_EQ(cp->node_boot_id, "boot-1");
  EXPECT_THAT(cp->claims, IsEmpty());
}

TEST(CheckpointStoreTest, UpdateIsVisibleToAnotherStore) {
  std::string dir = testing_util::UniqueTempDir();
  CheckpointStore a(dir, "boot-1");
  ASSERT_OK(a.Open());
  ASSERT_OK(AddClaim(a, "uid-1", Completed("c1")));
  CheckpointStore b(dir, "boot-1");
  auto report = b.Open();
  ASSERT_OK(report);
  EXPECT_FALSE(report->created);
  EXPECT_FALSE(report->rewritten);
  auto cp = b.Read();
  ASSERT_OK(cp);
  ASSERT_EQ(cp->claims.count("uid-1"), 1u);
  EXPECT_EQ(cp->claims["uid-1"], Completed("c1"));
  EXPECT_THAT(ListDir(dir), ElementsAre("checkpoint.json", "cp.lock"));
}

// Each store keeps the last bytes it wrote or decoded; a file replaced by
// the other store, even by one of the same size written within the same
// clock tick, must be decoded again (and a hand edit too).
TEST(CheckpointStoreTest, CachedContentNeverHidesAnotherWriter) {
  std::string dir = testing_util::UniqueTempDir();
  CheckpointStore a(dir, "boot-1");
  CheckpointStore b(dir, "boot-1");
  ASSERT_OK(a.Open());
  ASSERT_OK(b.Open());
  for (int round = 0; round < 20; ++round) {
    // Same length every round: "c10".."c29".
    std::string name = "c" + std::to_string(10 + round);
    ASSERT_OK(AddClaim(round % 2 ? a : b, "uid-1", Completed(name)));
    for (CheckpointStore* s : {&a, &b}) {
      auto cp = s->Read();
      ASSERT_OK(cp);
      ASSERT_EQ(cp->claims.count("uid-1"), 1u);
      EXPECT_EQ(cp->claims["uid-1"].name, name) << "round " << round;
    }
  }
  // A hand edit that keeps the file valid is seen (the checksum no longer
  // matches: entries kept, mismatch reported, file rewritten).
  const std::string path = dir + "/checkpoint.json";
  auto raw = util::ReadFile(path);
  ASSERT_OK(raw);
  std::string edited = *raw;
  size_t at = edited.find("\"c29\"");
  ASSERT_NE(at, std::string::npos);
  edited.replace(at, 5, "\"c99\"");
  WriteRaw(path, edited);
  auto cp = a.Read();
  ASSERT_OK(cp);
  EXPECT_EQ(cp->claims["uid-1"].name, "c99");
  EXPECT_THAT(a.TakeProblems(), Not(IsEmpty()));
}

TEST(CheckpointStoreTest, FailingUpdateWritesNothing) {
  std::string dir = testing_util::UniqueTempDir();
  CheckpointStore s(dir, "boot-1");
  ASSERT_OK(s.Open());
  std::string before = *util::ReadFile(s.path());
  absl::Status st = s.Update([](Checkpoint& cp) {
    cp.claims["uid-x"] = PreparedClaim{};
    return absl::AbortedError("changed my mind");
  });
  EXPECT_THAT(st, StatusIs(absl::StatusCode::kAborted, HasSubstr("changed my mind")));
  EXPECT_EQ(*util::ReadFile(s.path()), before);
}

TEST(CheckpointStoreTest, SameBootIdKeepsClaims) {
  std::string dir = testing_util::UniqueTempDir();
  {
    CheckpointStore s(dir, "boot-1");
    ASSERT_OK(s.Open());
    ASSERT_OK(AddClaim(s, "uid-1", Completed("c1")));
  }
  CheckpointStore s(dir, "boot-1");
  auto report = s.Open();
  ASSERT_OK(report);
  EXPECT_FALSE(report->boot_id_changed);
  EXPECT_THAT(report->claims_from_previous_boot, IsEmpty());
  EXPECT_EQ(s.Read()->claims["uid-1"].state, ClaimState::kPrepareCompleted);
}

TEST(CheckpointStoreTest, ChangedBootIdReportsClaimsAndDemotesThem) {
  std::string dir = testing_util::UniqueTempDir();
  {
    CheckpointStore s(dir, "boot-1");
    ASSERT_OK(s.Open());
    ASSERT_OK(AddClaim(s, "uid-1", Completed("c1")));
  }
  CheckpointStore s(dir, "boot-2");
  auto report = s.Open();
  ASSERT_OK(report);
  EXPECT_TRUE(report->boot_id_changed);
  EXPECT_EQ(report->previous_boot_id, "boot-1");
  ASSERT_THAT(report->claims_from_previous_boot, SizeIs(1));
  EXPECT_EQ(report->claims_from_previous_boot["uid-1"], Completed("c1"));
  EXPECT_TRUE(report->rewritten);
  // The file is consistent: current boot id, claim kept but no longer completed.
  auto cp = Decode(*util::ReadFile(s.path()));
  ASSERT_OK(cp);
  EXPECT_EQ(cp->node_boot_id, "boot-2");
  ASSERT_EQ(cp->claims.count("uid-1"), 1u);
  EXPECT_EQ(cp->claims["uid-1"].state, ClaimState::kPrepareStarted);
  EXPECT_EQ(cp->claims["uid-1"].prepared_devices, Completed("c1").prepared_devices);
  // A restart after that sees a settled file.
  CheckpointStore again(dir, "boot-2");
  auto r2 = again.Open();
  ASSERT_OK(r2);
  EXPECT_FALSE(r2->boot_id_changed);
  EXPECT_FALSE(r2->rewritten);
}

TEST(CheckpointStoreTest, LegacyEmptyBootIdIsInjected) {
  std::string dir = testing_util::UniqueTempDir();
  Checkpoint legacy;
  legacy.claims["uid-1"] = Completed("c1");
  WriteRaw(dir + "/checkpoint.json", Encode(legacy));
  CheckpointStore s(dir, "boot-9");
  auto report = s.Open();
  ASSERT_OK(report);
  EXPECT_TRUE(report->legacy_boot_id_injected);
  EXPECT_FALSE(report->boot_id_changed);
  auto cp = Decode(*util::ReadFile(s.path()));
  ASSERT_OK(cp);
  EXPECT_EQ(cp->node_boot_id, "boot-9");
  EXPECT_EQ(cp->claims["uid-1"].state, ClaimState::kPrepareCompleted);
}

TEST(CheckpointStoreTest, V1OnlyFileIsMigratedAndRewritten) {
  std::string dir = testing_util::UniqueTempDir();
  std::filesystem::copy_file(std::string(DRA_SOURCE_DIR) + "/src/state/testdata/v1_only_checkpoint.json",
                             dir + "/checkpoint.json");
  CheckpointStore s(dir, "boot-1");
  auto report = s.Open();
  ASSERT_OK(report);
  EXPECT_TRUE(report->legacy_v1_migrated);
  EXPECT_TRUE(report->legacy_boot_id_injected);
  auto r = DecodeLenient(*util::ReadFile(s.path()));
  ASSERT_OK(r);
  EXPECT_FALSE(r->report.legacy_v1);
  EXPECT_EQ(r->checkpoint.claims["uid-old"].state, ClaimState::kPrepareCompleted);
}

TEST(CheckpointStoreTest, UnparsableFileIsMovedAsideAndReported) {
  std::string dir = testing_util::UniqueTempDir();
  WriteRaw(dir + "/checkpoint.json", "{\"checksum\":12,\"v2\":{tr");
  CheckpointStore s(dir, "boot-1");
  auto report = s.Open();
  ASSERT_OK(report);
  EXPECT_THAT(report->corrupt_file, StartsWith(dir + "/checkpoint.json.corrupt-"));
  EXPECT_EQ(*util::ReadFile(report->corrupt_file), "{\"checksum\":12,\"v2\":{tr");
  ASSERT_THAT(report->problems, SizeIs(1));
  EXPECT_THAT(report->problems[0], AllOf(HasSubstr("not valid JSON"), HasSubstr(report->corrupt_file)));
  EXPECT_FALSE(report->legacy_boot_id_injected);
  auto cp = Decode(*util::ReadFile(s.path()));
  ASSERT_OK(cp);
  EXPECT_THAT(cp->claims, IsEmpty());
  // A second corrupt file in the same second gets its own name.
  WriteRaw(dir + "/checkpoint.json", "garbage");
  auto r2 = s.Open();
  ASSERT_OK(r2);
  EXPECT_NE(r2->corrupt_file, report->corrupt_file);
  EXPECT_TRUE(std::filesystem::exists(report->corrupt_file));
}

TEST(CheckpointStoreTest, ChecksumMismatchKeepsEntriesAndRewrites) {
  std::string dir = testing_util::UniqueTempDir();
  {
    CheckpointStore s(dir, "boot-1");
    ASSERT_OK(s.Open());
    ASSERT_OK(AddClaim(s, "uid-1", Completed("c1")));
  }
  std::string data = *util::ReadFile(dir + "/checkpoint.json");
  data.replace(data.find("\"name\":\"c1\""), 11, "\"name\":\"c2\"");
  WriteRaw(dir + "/checkpoint.json", data);
  CheckpointStore s(dir, "boot-1");
  auto report = s.Open();
  ASSERT_OK(report);
  EXPECT_TRUE(report->checksum_mismatch);
  EXPECT_TRUE(report->rewritten);
  EXPECT_THAT(report->problems, ElementsAre(HasSubstr("v2 checksum mismatch")));
  auto cp = Decode(*util::ReadFile(s.path()));  // verifies again
  ASSERT_OK(cp);
  EXPECT_EQ(cp->claims["uid-1"].name, "c2");
}

TEST(CheckpointStoreTest, BadEntryIsQuarantinedUntilRemoved) {
  std::string dir = testing_util::UniqueTempDir();
  Json top = Json::parse(R"({"checksum":0,"v1":{},"v2":{"checksum":0,"preparedClaims":{
      "uid-good":{"checkpointState":"PrepareCompleted","status":{},"name":"g"},
      "uid-bad":{"checkpointState":"Exploded","status":{}}},"nodeBootID":"boot-1"}})");
  top["v2"]["checksum"] = KubeletChecksum(GoJsonMarshal(top["v2"]));
  Json sub = Json::parse(R"({"checksum":0,"v1":{}})");
  top["checksum"] = KubeletChecksum(GoJsonMarshal(sub));
  WriteRaw(dir + "/checkpoint.json", GoJsonMarshal(top));

  CheckpointStore s(dir, "boot-1");
  auto report = s.Open();
  ASSERT_OK(report);
  EXPECT_FALSE(report->checksum_mismatch);
  EXPECT_THAT(report->quarantined, ElementsAre("uid-bad"));
  EXPECT_THAT(report->problems, ElementsAre(AllOf(HasSubstr("uid-bad"), HasSubstr("Exploded"))));
  auto cp = s.Read();
  ASSERT_OK(cp);
  EXPECT_EQ(cp->claims.count("uid-good"), 1u);
  ASSERT_EQ(cp->quarantine.count("uid-bad"), 1u);
  EXPECT_EQ(cp->quarantine["uid-bad"].raw["checkpointState"], "Exploded");
  // Persisted: a restart reports no new problem but still holds it.
  CheckpointStore again(dir, "boot-1");
  auto r2 = again.Open();
  ASSERT_OK(r2);
  EXPECT_THAT(r2->problems, IsEmpty());
  EXPECT_EQ(again.Read()->quarantine.count("uid-bad"), 1u);

  EXPECT_OK(again.RemoveQuarantined("uid-bad"));
  EXPECT_THAT(again.Read()->quarantine, IsEmpty());
  EXPECT_EQ(again.Read()->claims.count("uid-good"), 1u);
  EXPECT_THAT(again.RemoveQuarantined("uid-bad"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("uid-bad")));
}

TEST(CheckpointStoreTest, LockHeldByAnotherProcessTimesOut) {
  std::string dir = testing_util::UniqueTempDir();
  CheckpointStore s(dir, "boot-1", {absl::Milliseconds(200), absl::Milliseconds(20)});
  ASSERT_OK(s.Open());
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    auto lock = FileLock::Acquire(dir + "/cp.lock", absl::Seconds(5));
    char c = lock.ok() ? 'y' : 'n';
    (void)!::write(fds[1], &c, 1);
    ::pause();
    ::_exit(0);
  }
  char c = 0;
  ASSERT_EQ(::read(fds[0], &c, 1), 1);
  EXPECT_EQ(c, 'y');
  EXPECT_THAT(AddClaim(s, "uid-1", Completed("c1")),
              StatusIs(absl::StatusCode::kDeadlineExceeded, HasSubstr(dir + "/cp.lock")));
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  ::close(fds[0]);
  ::close(fds[1]);
  EXPECT_OK(AddClaim(s, "uid-1", Completed("c1")));
}

class CrashPointTest : public ::testing::TestWithParam<const char*> {};

TEST_P(CrashPointTest, CrashLeavesOldOrNewNeverTorn) {
  const std::string point = GetParam();
  std::string dir = testing_util::UniqueTempDir();
  {
    CheckpointStore s(dir, "boot-1");
    ASSERT_OK(s.Open());
    ASSERT_OK(AddClaim(s, "uid-old", Completed("old")));
  }
  pid_t pid = ::fork();
  if (pid == 0) {
    util::SetCrashPointForTest(point);
    CheckpointStore s(dir, "boot-1");
    (void)AddClaim(s, "uid-new", Completed("new"));
    ::_exit(0);  // not reached when the crash point fires
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited normally: crash point did not fire";
  EXPECT_EQ(WTERMSIG(status), SIGKILL);

  auto raw = Decode(*util::ReadFile(dir + "/checkpoint.json"));  // never torn
  ASSERT_OK(raw);
  CheckpointStore s(dir, "boot-1");
  auto report = s.Open();
  ASSERT_OK(report);
  EXPECT_THAT(report->problems, IsEmpty());
  auto cp = s.Read();
  ASSERT_OK(cp);
  EXPECT_EQ(cp->claims.count("uid-old"), 1u);
  EXPECT_EQ(cp->claims.count("uid-new"), point == "checkpoint-after-rename" ? 1u : 0u);
  EXPECT_THAT(ListDir(dir), ElementsAre("checkpoint.json", "cp.lock"));  // temp file cleaned
}

INSTANTIATE_TEST_SUITE_P(Points, CrashPointTest,
                         ::testing::Values("checkpoint-before-rename", "checkpoint-after-rename"));

TEST(CheckpointStoreTest, DirectoryIsAFileNamesPath) {
  std::string dir = testing_util::UniqueTempDir() + "/file";
  WriteRaw(dir, "x");
  CheckpointStore s(dir, "boot-1");
  EXPECT_THAT(s.Open(), StatusIs(absl::StatusCode::kInternal, HasSubstr(dir)));
}

}  // namespace
}  // namespace state
