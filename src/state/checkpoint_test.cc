#include "state/checkpoint.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "state/go_json.h"
#include "testing/status_matchers.h"
#include "util/files.h"

namespace state {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing_util::StatusIs;
using Json = nlohmann::ordered_json;

std::string TestData(const std::string& name) {
  auto data = util::ReadFile(std::string(DRA_SOURCE_DIR) + "/src/state/testdata/" + name);
  EXPECT_TRUE(data.ok()) << data.status();
  return data.ok() ? *data : "";
}

// Fills both checksums of a hand-built file the way the reference writer does.
std::string WithChecksums(Json top) {
  if (top.contains("v2")) {
    top["v2"]["checksum"] = 0;
    top["v2"]["checksum"] = KubeletChecksum(GoJsonMarshal(top["v2"]));
  }
  Json sub = Json::object();
  sub["checksum"] = 0;
  if (top.contains("v1")) sub["v1"] = top["v1"];
  top["checksum"] = KubeletChecksum(GoJsonMarshal(sub));
  return GoJsonMarshal(top);
}

PreparedClaim Claim(ClaimState s, const std::string& name) {
  PreparedClaim c;
  c.state = s;
  c.status = Json::parse(R"({"allocation":{"devices":{"results":[{"device":"gpu-0"}]}}})");
  c.prepared_devices = Json::parse(R"([{"devices":[{"gpu":{"info":{"uuid":"GPU-1"}}}]}])");
  c.name = name;
  c.namespace_ = "default";
  return c;
}

TEST(CheckpointEncodeTest, EmptyIsByteExact) {
  Checkpoint cp;
  cp.node_boot_id = "boot-1";
  // Both checksums hand-checked: {"checksum":0,"v1":{}} -> 1083090442.
  EXPECT_EQ(Encode(cp), R"({"checksum":1083090442,"v1":{},"v2":{"checksum":70045160,"nodeBootID":"boot-1"}})");
  EXPECT_EQ(Encode(cp), TestData("empty_checkpoint.json"));
}

TEST(CheckpointEncodeTest, V1HoldsOnlyCompletedClaims) {
  Checkpoint cp;
  cp.claims["uid-done"] = Claim(ClaimState::kPrepareCompleted, "a");
  cp.claims["uid-half"] = Claim(ClaimState::kPrepareStarted, "b");
  Json j = Json::parse(Encode(cp));
  ASSERT_TRUE(j["v1"]["preparedClaims"].is_object());
  EXPECT_EQ(j["v1"]["preparedClaims"].size(), 1u);
  EXPECT_TRUE(j["v1"]["preparedClaims"].contains("uid-done"));
  EXPECT_FALSE(j["v1"]["preparedClaims"]["uid-done"].contains("checkpointState"));
  EXPECT_EQ(j["v2"]["preparedClaims"].size(), 2u);
  EXPECT_EQ(j["v2"]["preparedClaims"]["uid-half"]["checkpointState"], "PrepareStarted");
  EXPECT_FALSE(j["v2"].contains("nodeBootID"));  // omitted when empty
}

// Encode writes the file as text from separately marshalled parts; the
// bytes must equal marshalling the whole tree (reference layout) with the
// checksums filled the plain way, for every shape: empty, claims in both
// states, boot id, quarantine, strings Go escapes.
TEST(CheckpointEncodeTest, SplicedEqualsPlainMarshalling) {
  std::vector<Checkpoint> cases(4);
  cases[1].node_boot_id = "boot-1";
  cases[1].claims["uid-a"] = Claim(ClaimState::kPrepareCompleted, "a<b>&c");
  cases[2] = cases[1];
  cases[2].claims["uid-b"] = Claim(ClaimState::kPrepareStarted, "caf\xc3\xa9 \"q\"\n");
  cases[3] = cases[2];
  cases[3].quarantine["uid-q"] = {Json::parse(R"({"state":7,"x":"<y>"})"), "bad state"};
  for (size_t i = 0; i < cases.size(); ++i) {
    // The whole tree in the reference layout, marshalled in one piece.
    Json v1_claims = Json::object(), v2_claims = Json::object();
    for (const auto& [uid, c] : cases[i].claims) {
      Json v2 = {{"checkpointState", c.state == ClaimState::kPrepareCompleted ? "PrepareCompleted"
                                                                             : "PrepareStarted"},
                 {"status", c.status},
                 {"preparedDevices", c.prepared_devices},
                 {"name", c.name},
                 {"namespace", c.namespace_}};
      v2_claims[uid] = v2;
      if (c.state == ClaimState::kPrepareCompleted) {
        v1_claims[uid] = {{"status", c.status}, {"preparedDevices", c.prepared_devices}};
      }
    }
    Json tree = {{"checksum", 0}, {"v1", Json::object()}, {"v2", {{"checksum", 0}}}};
    if (!v1_claims.empty()) tree["v1"]["preparedClaims"] = v1_claims;
    if (!v2_claims.empty()) tree["v2"]["preparedClaims"] = v2_claims;
    if (!cases[i].node_boot_id.empty()) tree["v2"]["nodeBootID"] = cases[i].node_boot_id;
    for (const auto& [uid, q] : cases[i].quarantine) {
      tree["quarantine"][uid] = {{"entry", q.raw}, {"reason", q.reason}};
    }
    std::string text = Encode(cases[i]);
    EXPECT_EQ(text, WithChecksums(tree)) << "case " << i;
    auto back = DecodeLenient(text);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_TRUE(back->report.checksum_ok) << "case " << i;
    EXPECT_THAT(back->report.problems, IsEmpty()) << "case " << i;
  }
}

TEST(CheckpointRoundTripTest, DecodeOfEncodeIsIdentity) {
  Checkpoint cp;
  cp.node_boot_id = "boot-7";
  cp.claims["uid-1"] = Claim(ClaimState::kPrepareCompleted, "one");
  cp.claims["uid-2"] = Claim(ClaimState::kPrepareStarted, "two");
  cp.quarantine["uid-3"] = {Json::parse(R"({"checkpointState":"Later"})"), "unknown state"};
  auto back = Decode(Encode(cp));
  ASSERT_OK(back);
  EXPECT_EQ(*back, cp);
  // Member order inside opaque JSON survives.
  EXPECT_EQ(GoJsonMarshal(back->claims["uid-1"].status),
            R"({"allocation":{"devices":{"results":[{"device":"gpu-0"}]}}})");
}

TEST(CheckpointDecodeTest, ReferenceSampleDecodes) {
  auto cp = Decode(TestData("reference_checkpoint.json"));
  ASSERT_OK(cp);
  EXPECT_EQ(cp->node_boot_id, "boot-1");
  ASSERT_EQ(cp->claims.size(), 2u);
  const PreparedClaim& a = cp->claims["uid-a"];
  EXPECT_EQ(a.state, ClaimState::kPrepareCompleted);
  EXPECT_EQ(a.name, "claim-a");
  EXPECT_EQ(a.namespace_, "ns-\xc3\xa9");
  EXPECT_EQ(a.status["reservedFor"][0]["name"], "pod-<a>&b");
  EXPECT_EQ(a.prepared_devices[0]["devices"][0]["gpu"]["device"]["DeviceName"], "gpu-0");
  const PreparedClaim& b = cp->claims["uid-b"];
  EXPECT_EQ(b.state, ClaimState::kPrepareStarted);
  EXPECT_EQ(b.status, Json::object());
  EXPECT_TRUE(b.prepared_devices.is_null());
  EXPECT_THAT(cp->quarantine, IsEmpty());
}

TEST(CheckpointDecodeTest, ReferenceSampleReencodesByteExact) {
  std::string file = TestData("reference_checkpoint.json");
  auto cp = Decode(file);
  ASSERT_OK(cp);
  EXPECT_EQ(Encode(*cp), file);
}

TEST(CheckpointDecodeTest, V1OnlyFileMigratesToCompleted) {
  auto r = DecodeLenient(TestData("v1_only_checkpoint.json"));
  ASSERT_OK(r);
  EXPECT_TRUE(r->report.checksum_ok);
  EXPECT_TRUE(r->report.legacy_v1);
  ASSERT_EQ(r->checkpoint.claims.size(), 1u);
  const PreparedClaim& c = r->checkpoint.claims["uid-old"];
  EXPECT_EQ(c.state, ClaimState::kPrepareCompleted);
  EXPECT_EQ(c.status["allocation"]["allocationTimestamp"], "2026-05-01T10:00:00Z");
  EXPECT_TRUE(c.name.empty());
  EXPECT_EQ(r->checkpoint.node_boot_id, "");
}

TEST(CheckpointDecodeTest, ChangedContentFailsV2Checksum) {
  std::string file = TestData("reference_checkpoint.json");
  file.replace(file.find("\"claim-b\""), 9, "\"claim-x\"");
  EXPECT_THAT(Decode(file), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("v2 checksum mismatch")));
  auto r = DecodeLenient(file);
  ASSERT_OK(r);
  EXPECT_FALSE(r->report.checksum_ok);
  EXPECT_EQ(r->checkpoint.claims.size(), 2u);  // entries still decode
  EXPECT_EQ(r->checkpoint.claims["uid-b"].name, "claim-x");
}

TEST(CheckpointDecodeTest, WrongTopLevelChecksumIsReported) {
  std::string file = TestData("reference_checkpoint.json");
  file.replace(0, std::string("{\"checksum\":492219266").size(), "{\"checksum\":492219267");
  auto r = DecodeLenient(file);
  ASSERT_OK(r);
  EXPECT_FALSE(r->report.checksum_ok);
  EXPECT_THAT(r->report.problems,
              ElementsAre(HasSubstr("top-level checksum mismatch: stored 492219267, computed 492219266")));
}

TEST(CheckpointDecodeTest, BadEntriesAreQuarantinedVerbatim) {
  Json top = Json::parse(R"({"checksum":0,"v1":{},"v2":{"checksum":0,"preparedClaims":{
      "uid-good":{"checkpointState":"PrepareCompleted","status":{},"name":"g"},
      "uid-newer":{"checkpointState":"UnprepareCompleted","status":{}},
      "uid-types":{"checkpointState":"PrepareStarted","status":"oops"},
      "uid-array":[1,2]},"nodeBootID":"b"}})");
  auto r = DecodeLenient(WithChecksums(top));
  ASSERT_OK(r);
  EXPECT_TRUE(r->report.checksum_ok);
  EXPECT_EQ(r->checkpoint.claims.size(), 1u);
  EXPECT_EQ(r->checkpoint.claims["uid-good"].name, "g");
  EXPECT_THAT(r->report.quarantined, ElementsAre("uid-newer", "uid-types", "uid-array"));  // file order
  const auto& q = r->checkpoint.quarantine;
  ASSERT_EQ(q.size(), 3u);
  EXPECT_EQ(q.at("uid-newer").raw, top["v2"]["preparedClaims"]["uid-newer"]);
  EXPECT_THAT(q.at("uid-newer").reason, HasSubstr("unknown checkpointState \"UnprepareCompleted\""));
  EXPECT_THAT(q.at("uid-types").reason, HasSubstr("status is not a JSON object"));
  EXPECT_THAT(q.at("uid-array").reason, HasSubstr("not a JSON object"));
  EXPECT_EQ(r->report.problems.size(), 3u);
  // Re-encoding keeps the quarantined entries outside the checksummed parts.
  auto again = Decode(Encode(r->checkpoint));
  ASSERT_OK(again);
  EXPECT_EQ(again->quarantine, q);
}

TEST(CheckpointDecodeTest, UnknownFieldsAreTolerated) {
  Json top = Json::parse(R"({"checksum":0,"v1":{},"v2":{"checksum":0,"preparedClaims":{
      "u":{"checkpointState":"PrepareStarted","status":{"future":1},"extra":true}},
      "newField":[1]},"alsoNew":{"x":1}})");
  auto cp = Decode(WithChecksums(top));
  ASSERT_OK(cp);
  EXPECT_EQ(cp->claims["u"].status["future"], 1);
}

TEST(CheckpointDecodeTest, NotJsonOrNotObjectIsAnError) {
  EXPECT_THAT(DecodeLenient("{\"checksum\":"), StatusIs(absl::StatusCode::kInvalidArgument,
                                                       HasSubstr("not valid JSON")));
  EXPECT_THAT(DecodeLenient("[1]"), StatusIs(absl::StatusCode::kInvalidArgument,
                                            HasSubstr("not a JSON object")));
  EXPECT_THAT(DecodeLenient(""), StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
  std::string deep = "{\"v2\":" + std::string(1000, '[') + std::string(1000, ']') + "}";
  EXPECT_THAT(DecodeLenient(deep), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("deeper")));
}

TEST(CheckpointDecodeTest, MissingChecksumIsAProblemNotACrash) {
  auto r = DecodeLenient(R"({"v2":{"preparedClaims":{"u":{"checkpointState":"PrepareCompleted"}}}})");
  ASSERT_OK(r);
  EXPECT_FALSE(r->report.checksum_ok);
  EXPECT_EQ(r->checkpoint.claims.size(), 1u);
  EXPECT_EQ(r->report.problems.size(), 2u);
}

}  // namespace
}  // namespace state
