// checkpoint.h: the prepared-claim checkpoint model and its wire format,
// generic over drivers (the prepared devices are opaque JSON here).
//
// Wire format (compatible with the reference driver's checkpoint.json):
//   {"checksum":C,
//    "v1":{"preparedClaims":{uid:{"status":S,"preparedDevices":[...]}}},
//    "v2":{"checksum":C2,
//          "preparedClaims":{uid:{"checkpointState":"PrepareStarted|PrepareCompleted",
//                                 "status":S,"preparedDevices":[...],
//                                 "name":N,"namespace":NS}},
//          "nodeBootID":B},
//    "quarantine":{uid:{"entry":<raw entry>,"reason":R}}}
// rendered compactly like Go's encoding/json: members in that order, map keys
// sorted, "preparedClaims", "preparedDevices", "name", "namespace" and
// "nodeBootID" omitted when empty, "status" always present ({} when null).
// v1 is a down-conversion for older readers holding only PrepareCompleted
// claims. C2 is the kubelet checksum (go_json.h) of v2 rendered with its
// checksum 0; C that of {"checksum":0,"v1":...}.
//
// Choices:
// - status and preparedDevices are nlohmann::ordered_json so that member
//   order survives a round trip; the checksum of a file written by another
//   implementation is recomputed over the parsed tree in file order, so it
//   verifies iff the bytes are what that writer checksummed.
// - "quarantine" is our extension, outside both checksums and ignored by
//   the reference reader: an entry that does not decode (wrong types,
//   unknown checkpointState such as one from a newer writer) is moved there
//   verbatim with the reason, instead of failing the whole file or being
//   dropped. It is removed only explicitly (CheckpointStore::RemoveQuarantined).
// - Decoding tolerates unknown members. A file with a v2 section takes its
//   claims from v2 only; a legacy v1-only file is migrated with every claim
//   PrepareCompleted.
//
// Used by state/store and by tests/tools that inspect checkpoints. Pure;
// thread-safe.
#ifndef DRA_STATE_CHECKPOINT_H_
#define DRA_STATE_CHECKPOINT_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace state {

enum class ClaimState { kPrepareStarted, kPrepareCompleted };

// "PrepareStarted" / "PrepareCompleted".
std::string_view ClaimStateName(ClaimState s);

struct PreparedClaim {
  ClaimState state = ClaimState::kPrepareStarted;
  // The ResourceClaimStatus JSON the driver stored, or null (written as {}).
  nlohmann::ordered_json status;
  // Driver-specific array of prepared device groups, or null (omitted).
  nlohmann::ordered_json prepared_devices;
  std::string name;
  std::string namespace_;

  bool operator==(const PreparedClaim&) const = default;
};

// A checkpoint entry that could not be decoded, kept verbatim.
struct QuarantinedEntry {
  nlohmann::ordered_json raw;
  std::string reason;

  bool operator==(const QuarantinedEntry&) const = default;
};

struct Checkpoint {
  std::string node_boot_id;
  std::map<std::string, PreparedClaim> claims;         // by claim UID
  std::map<std::string, QuarantinedEntry> quarantine;  // by claim UID

  bool operator==(const Checkpoint&) const = default;
};

// The file bytes for `cp` (compact JSON, no trailing newline).
std::string Encode(const Checkpoint& cp);

// What DecodeLenient found besides the data.
struct DecodeReport {
  bool checksum_ok = true;     // both checksums verified (or v2 absent)
  bool legacy_v1 = false;      // no v2 section: claims came from v1
  std::vector<std::string> quarantined;  // UIDs newly quarantined
  std::vector<std::string> problems;     // human-readable, one per finding
};

struct DecodeResult {
  Checkpoint checkpoint;
  DecodeReport report;
};

// Decodes whatever can be decoded. Errors only when `data` is not a JSON
// object (InvalidArgument, or nesting deeper than 256 levels); checksum
// mismatches and bad entries are reported in `report`.
absl::StatusOr<DecodeResult> DecodeLenient(std::string_view data);

// Strict form: additionally DataLoss when a checksum does not verify.
// Entries that do not decode are still quarantined, not errors.
absl::StatusOr<Checkpoint> Decode(std::string_view data);

}  // namespace state

#endif  // DRA_STATE_CHECKPOINT_H_
