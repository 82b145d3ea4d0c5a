#include "state/checkpoint.h"

#include <exception>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "state/go_json.h"

namespace state {
namespace {

using Json = nlohmann::ordered_json;

constexpr int kMaxDepth = 256;
constexpr char kQuarantineKey[] = "quarantine";

bool HasDevices(const Json& d) { return !d.is_null() && !(d.is_array() && d.empty()); }

std::string Quoted(const std::string& str) { return GoJsonMarshal(Json(str)); }

// One claim's v2 and v1 entries as text, each JSON part marshalled once:
// v2 {"checkpointState","status","preparedDevices"?,"name"?,"namespace"?},
// v1 {"status","preparedDevices"?} (Go's member order; empty ones left out).
struct ClaimTexts {
  std::string v2, v1;
};
ClaimTexts EncodeClaim(const PreparedClaim& c) {
  const std::string status = c.status.is_null() ? "{}" : GoJsonMarshal(c.status);
  std::string devices;
  if (HasDevices(c.prepared_devices)) {
    devices = absl::StrCat(",\"preparedDevices\":", GoJsonMarshal(c.prepared_devices));
  }
  ClaimTexts t;
  t.v2 = absl::StrCat("{\"checkpointState\":", Quoted(std::string(ClaimStateName(c.state))),
                      ",\"status\":", status, devices);
  if (!c.name.empty()) absl::StrAppend(&t.v2, ",\"name\":", Quoted(c.name));
  if (!c.namespace_.empty()) absl::StrAppend(&t.v2, ",\"namespace\":", Quoted(c.namespace_));
  t.v2 += '}';
  if (c.state == ClaimState::kPrepareCompleted) {
    t.v1 = absl::StrCat("{\"status\":", status, devices, "}");
  }
  return t;
}

// {"checksum":0,"v1":v1} (v1 left out when null), as the top-level checksum sees it.
uint64_t TopChecksum(const Json* v1) {
  Json top = Json::object();
  top["checksum"] = 0;
  if (v1 != nullptr && !v1->is_null()) top["v1"] = *v1;
  return KubeletChecksum(GoJsonMarshal(top));
}

// v2 with "checksum" zeroed in place (or prepended when missing, as a Go
// writer would always emit it first).
uint64_t V2Checksum(const Json& v2) {
  Json copy = Json::object();
  if (!v2.contains("checksum")) copy["checksum"] = 0;
  for (auto it = v2.begin(); it != v2.end(); ++it) {
    copy[it.key()] = it.key() == "checksum" ? Json(0) : it.value();
  }
  return KubeletChecksum(GoJsonMarshal(copy));
}

// Reads a stored checksum; false when missing or not a non-negative integer.
bool StoredChecksum(const Json& obj, uint64_t* out) {
  auto it = obj.find("checksum");
  if (it == obj.end() || !it->is_number_unsigned()) return false;
  *out = it->get<uint64_t>();
  return true;
}

// Decodes one claim entry; the error text becomes the quarantine reason.
absl::StatusOr<PreparedClaim> DecodeClaim(const Json& e, bool legacy_v1) {
  if (!e.is_object()) return absl::InvalidArgumentError("entry is not a JSON object");
  PreparedClaim c;
  if (legacy_v1) {
    c.state = ClaimState::kPrepareCompleted;
  } else {
    auto st = e.find("checkpointState");
    if (st == e.end() || !st->is_string()) {
      return absl::InvalidArgumentError("checkpointState is missing or not a string");
    }
    const auto& s = st->get_ref<const std::string&>();
    if (s == ClaimStateName(ClaimState::kPrepareStarted)) {
      c.state = ClaimState::kPrepareStarted;
    } else if (s == ClaimStateName(ClaimState::kPrepareCompleted)) {
      c.state = ClaimState::kPrepareCompleted;
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown checkpointState \"", s, "\""));
    }
  }
  if (auto it = e.find("status"); it != e.end() && !it->is_null()) {
    if (!it->is_object()) return absl::InvalidArgumentError("status is not a JSON object");
    c.status = *it;
  }
  if (auto it = e.find("preparedDevices"); it != e.end() && !it->is_null()) {
    if (!it->is_array()) return absl::InvalidArgumentError("preparedDevices is not a JSON array");
    c.prepared_devices = *it;
  }
  for (auto [key, field] : {std::pair{"name", &c.name}, std::pair{"namespace", &c.namespace_}}) {
    auto it = e.find(key);
    if (it == e.end() || it->is_null()) continue;
    if (!it->is_string()) return absl::InvalidArgumentError(absl::StrCat(key, " is not a string"));
    *field = it->get<std::string>();
  }
  return c;
}

void DecodeClaims(const Json& section, const char* where, bool legacy_v1, DecodeResult& r) {
  auto pc = section.find("preparedClaims");
  if (pc == section.end() || pc->is_null()) return;
  if (!pc->is_object()) {
    std::string key = absl::StrCat(where, ".preparedClaims");
    r.checkpoint.quarantine[key] = {*pc, "preparedClaims is not a JSON object"};
    r.report.quarantined.push_back(key);
    r.report.problems.push_back(absl::StrCat(key, " is not a JSON object; quarantined"));
    return;
  }
  for (auto it = pc->begin(); it != pc->end(); ++it) {
    auto claim = DecodeClaim(it.value(), legacy_v1);
    if (claim.ok()) {
      r.checkpoint.claims[it.key()] = *std::move(claim);
      continue;
    }
    std::string reason(claim.status().message());
    r.checkpoint.quarantine[it.key()] = {it.value(), reason};
    r.report.quarantined.push_back(it.key());
    r.report.problems.push_back(
        absl::StrCat("claim ", it.key(), " in ", where, " quarantined: ", reason));
  }
}

void DecodeQuarantine(const Json& q, DecodeResult& r) {
  if (q.is_null()) return;
  if (!q.is_object()) {
    r.checkpoint.quarantine[kQuarantineKey] = {q, "quarantine section is not a JSON object"};
    r.report.problems.push_back("quarantine section is not a JSON object; kept as one record");
    return;
  }
  for (auto it = q.begin(); it != q.end(); ++it) {
    const Json& rec = it.value();
    auto entry = rec.is_object() ? rec.find("entry") : rec.end();
    auto reason = rec.is_object() ? rec.find("reason") : rec.end();
    if (entry != rec.end() && reason != rec.end() && reason->is_string()) {
      r.checkpoint.quarantine[it.key()] = {*entry, reason->get<std::string>()};
    } else {
      r.checkpoint.quarantine[it.key()] = {rec, "malformed quarantine record"};
      r.report.problems.push_back(absl::StrCat("quarantine record ", it.key(), " is malformed"));
    }
  }
}

absl::StatusOr<Json> Parse(std::string_view data) {
  bool too_deep = false;
  Json::parser_callback_t cb = [&too_deep](int depth, Json::parse_event_t, Json&) {
    if (depth > kMaxDepth) too_deep = true;
    return depth <= kMaxDepth;
  };
  Json root;
  try {
    root = Json::parse(data.begin(), data.end(), cb);
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("checkpoint is not valid JSON: ", e.what()));
  }
  if (too_deep) {
    return absl::InvalidArgumentError(
        absl::StrCat("checkpoint JSON nests deeper than ", kMaxDepth, " levels"));
  }
  if (!root.is_object()) return absl::InvalidArgumentError("checkpoint is not a JSON object");
  return root;
}

}  // namespace

std::string_view ClaimStateName(ClaimState s) {
  return s == ClaimState::kPrepareCompleted ? "PrepareCompleted" : "PrepareStarted";
}

// The file is {"checksum":T,"v1":V1,"v2":{"checksum":C,...}[,"quarantine":Q]}
// where C is the checksum of v2's marshalling with "checksum":0 and T that
// of {"checksum":0,"v1":V1}. Marshalling is compositional, so the file is
// written as text from its parts, each marshalled once, and the checksummed
// texts are spliced from the same parts (CheckpointEncodeTest checks the
// bytes against marshalling the whole tree).
std::string Encode(const Checkpoint& cp) {
  std::string v1_claims, v2_claims;
  for (const auto& [uid, c] : cp.claims) {
    ClaimTexts t = EncodeClaim(c);
    const std::string key = Quoted(uid);
    absl::StrAppend(&v2_claims, v2_claims.empty() ? "" : ",", key, ":", t.v2);
    if (!t.v1.empty()) absl::StrAppend(&v1_claims, v1_claims.empty() ? "" : ",", key, ":", t.v1);
  }
  const std::string v1_text =
      v1_claims.empty() ? "{}" : absl::StrCat("{\"preparedClaims\":{", v1_claims, "}}");
  std::string v2_rest;  // after "checksum":N
  if (!v2_claims.empty()) absl::StrAppend(&v2_rest, ",\"preparedClaims\":{", v2_claims, "}");
  if (!cp.node_boot_id.empty()) absl::StrAppend(&v2_rest, ",\"nodeBootID\":", Quoted(cp.node_boot_id));
  v2_rest += '}';

  const uint64_t v2_sum = KubeletChecksum(absl::StrCat("{\"checksum\":0", v2_rest));
  const uint64_t top_sum = KubeletChecksum(absl::StrCat("{\"checksum\":0,\"v1\":", v1_text, "}"));
  std::string out = absl::StrCat("{\"checksum\":", top_sum, ",\"v1\":", v1_text,
                                 ",\"v2\":{\"checksum\":", v2_sum, v2_rest);
  if (!cp.quarantine.empty()) {
    Json q = Json::object();
    for (const auto& [uid, e] : cp.quarantine) {
      Json rec = Json::object();
      rec["entry"] = e.raw;
      rec["reason"] = e.reason;
      q[uid] = std::move(rec);
    }
    absl::StrAppend(&out, ",\"", kQuarantineKey, "\":", GoJsonMarshal(q));
  }
  out += '}';
  return out;
}

absl::StatusOr<DecodeResult> DecodeLenient(std::string_view data) {
  auto parsed = Parse(data);
  if (!parsed.ok()) return parsed.status();
  const Json& root = *parsed;
  DecodeResult r;

  const Json* v1 = nullptr;
  if (auto it = root.find("v1"); it != root.end() && !it->is_null()) v1 = &*it;
  const Json* v2 = nullptr;
  if (auto it = root.find("v2"); it != root.end() && !it->is_null()) v2 = &*it;

  uint64_t stored = 0;
  if (!StoredChecksum(root, &stored)) {
    r.report.checksum_ok = false;
    r.report.problems.push_back("top-level checksum is missing or not an unsigned integer");
  } else if (uint64_t want = TopChecksum(v1); want != stored) {
    r.report.checksum_ok = false;
    r.report.problems.push_back(
        absl::StrCat("top-level checksum mismatch: stored ", stored, ", computed ", want));
  }

  if (v2 != nullptr && !v2->is_object()) {
    r.checkpoint.quarantine["v2"] = {*v2, "v2 is not a JSON object"};
    r.report.quarantined.push_back("v2");
    r.report.problems.push_back("v2 is not a JSON object; quarantined");
    r.report.checksum_ok = false;
  } else if (v2 != nullptr) {
    if (!StoredChecksum(*v2, &stored)) {
      r.report.checksum_ok = false;
      r.report.problems.push_back("v2 checksum is missing or not an unsigned integer");
    } else if (uint64_t want = V2Checksum(*v2); want != stored) {
      r.report.checksum_ok = false;
      r.report.problems.push_back(
          absl::StrCat("v2 checksum mismatch: stored ", stored, ", computed ", want));
    }
    if (auto b = v2->find("nodeBootID"); b != v2->end() && !b->is_null()) {
      if (b->is_string()) {
        r.checkpoint.node_boot_id = b->get<std::string>();
      } else {
        r.report.problems.push_back("v2.nodeBootID is not a string; treated as empty");
      }
    }
    DecodeClaims(*v2, "v2", /*legacy_v1=*/false, r);
  } else if (v1 != nullptr) {
    r.report.legacy_v1 = true;
    if (!v1->is_object()) {
      r.checkpoint.quarantine["v1"] = {*v1, "v1 is not a JSON object"};
      r.report.quarantined.push_back("v1");
      r.report.problems.push_back("v1 is not a JSON object; quarantined");
    } else {
      DecodeClaims(*v1, "v1", /*legacy_v1=*/true, r);
    }
  }
  if (auto q = root.find(kQuarantineKey); q != root.end()) DecodeQuarantine(*q, r);
  return r;
}

absl::StatusOr<Checkpoint> Decode(std::string_view data) {
  auto r = DecodeLenient(data);
  if (!r.ok()) return r.status();
  if (!r->report.checksum_ok) {
    std::string msg = "checkpoint checksum does not verify";
    for (const auto& p : r->report.problems) absl::StrAppend(&msg, "; ", p);
    return absl::DataLossError(msg);
  }
  return std::move(r->checkpoint);
}

}  // namespace state
