// json_tree.h: parse JSON into a small document tree that, unlike
// nlohmann::json, keeps object members in document order *including
// duplicate keys*, and keeps the literal text of numbers. Decode needs both
// to behave like Go's encoding/json (duplicate-field errors in strict mode,
// "merge into the existing value" semantics for repeated keys in
// non-strict mode, and "number 50.5" in type errors).
//
// Used only by config/decode.cc. Pure; thread-safe.
#ifndef DRA_CONFIG_JSON_TREE_H_
#define DRA_CONFIG_JSON_TREE_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace config {

struct JsonMember;

struct JsonNode {
  enum class Type { kNull, kBool, kNumber, kString, kObject, kArray };
  Type type = Type::kNull;
  bool boolean = false;
  // kNumber: the literal ("50", "1.5e3"); kString: the decoded string.
  std::string text;
  // kNumber: whether the literal is an integer that fits in int64.
  bool is_int64 = false;
  long long int64_value = 0;
  std::vector<JsonMember> members;  // kObject, document order, duplicates kept
  std::vector<JsonNode> elements;   // kArray
};

struct JsonMember {
  std::string key;
  JsonNode value;
};

// Maximum nesting depth. Go allows 10000; opaque configs are a few levels
// deep, and 1000 keeps the recursive tree destructor far from the stack
// limit (also under ASan).
inline constexpr int kMaxJsonDepth = 1000;

// Parses one JSON value (no trailing data). InvalidArgument with the
// parser's message (or "exceeded max depth") on malformed input.
absl::StatusOr<JsonNode> ParseJsonTree(std::string_view text);

// Go's description of a JSON value in UnmarshalTypeError: "string",
// "number", "number 1.5" (when with_literal), "bool", "object", "array",
// "null".
std::string GoValueKind(const JsonNode& n, bool with_literal);

}  // namespace config

#endif  // DRA_CONFIG_JSON_TREE_H_
