// json_tree.cc: see json_tree.h. A SAX handler for nlohmann's parser builds
// the tree; nothing here throws (nlohmann's SAX interface reports errors
// through parse_error()).
#include "config/json_tree.h"

#include <cstdint>
#include <limits>
#include <string>

#include "absl/status/status.h"
#include "nlohmann/json.hpp"

namespace config {
namespace {

class TreeBuilder {
 public:
  using json = nlohmann::json;

  bool null() { return Add(JsonNode{}); }
  bool boolean(bool v) {
    JsonNode n;
    n.type = JsonNode::Type::kBool;
    n.boolean = v;
    return Add(std::move(n));
  }
  bool number_integer(json::number_integer_t v) {
    JsonNode n;
    n.type = JsonNode::Type::kNumber;
    n.text = std::to_string(v);
    n.is_int64 = true;
    n.int64_value = v;
    return Add(std::move(n));
  }
  bool number_unsigned(json::number_unsigned_t v) {
    JsonNode n;
    n.type = JsonNode::Type::kNumber;
    n.text = std::to_string(v);
    if (v <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      n.is_int64 = true;
      n.int64_value = static_cast<long long>(v);
    }
    return Add(std::move(n));
  }
  bool number_float(json::number_float_t, const json::string_t& literal) {
    JsonNode n;
    n.type = JsonNode::Type::kNumber;
    n.text = literal;
    return Add(std::move(n));
  }
  bool string(json::string_t& v) {
    JsonNode n;
    n.type = JsonNode::Type::kString;
    n.text = std::move(v);
    return Add(std::move(n));
  }
  bool binary(json::binary_t&) { return false; }  // not produced by JSON
  bool start_object(std::size_t) {
    JsonNode n;
    n.type = JsonNode::Type::kObject;
    return Open(std::move(n));
  }
  bool key(json::string_t& k) {
    pending_key_ = std::move(k);
    return true;
  }
  bool end_object() { return Close(); }
  bool start_array(std::size_t) {
    JsonNode n;
    n.type = JsonNode::Type::kArray;
    return Open(std::move(n));
  }
  bool end_array() { return Close(); }
  bool parse_error(std::size_t, const std::string&,
                   const nlohmann::detail::exception& ex) {
    error_ = ex.what();
    // Drop nlohmann's "[json.exception.parse_error.101] " prefix.
    if (!error_.empty() && error_[0] == '[') {
      const size_t end = error_.find("] ");
      if (end != std::string::npos) error_ = error_.substr(end + 2);
    }
    return false;
  }

  JsonNode& root() { return root_; }
  const std::string& error() const { return error_; }

 private:
  // Adds `n` to the open container (or as the root); returns where it went.
  JsonNode* Place(JsonNode n) {
    if (stack_.empty()) {
      root_ = std::move(n);
      return &root_;
    }
    JsonNode* parent = stack_.back();
    if (parent->type == JsonNode::Type::kObject) {
      parent->members.push_back(JsonMember{std::move(pending_key_), std::move(n)});
      return &parent->members.back().value;
    }
    parent->elements.push_back(std::move(n));
    return &parent->elements.back();
  }
  bool Add(JsonNode n) {
    Place(std::move(n));
    return true;
  }
  bool Open(JsonNode n) {
    if (static_cast<int>(stack_.size()) >= kMaxJsonDepth) {
      error_ = "exceeded max depth";
      return false;
    }
    // Ancestors are not modified while a child is open, so this pointer
    // stays valid until the matching Close().
    stack_.push_back(Place(std::move(n)));
    return true;
  }
  bool Close() {
    stack_.pop_back();
    return true;
  }

  JsonNode root_;
  std::vector<JsonNode*> stack_;
  std::string pending_key_;
  std::string error_;
};

}  // namespace

absl::StatusOr<JsonNode> ParseJsonTree(std::string_view text) {
  TreeBuilder builder;
  const bool ok = nlohmann::json::sax_parse(text.begin(), text.end(), &builder);
  if (!ok) {
    return absl::InvalidArgumentError(
        builder.error().empty() ? "invalid JSON" : builder.error());
  }
  return std::move(builder.root());
}

std::string GoValueKind(const JsonNode& n, bool with_literal) {
  switch (n.type) {
    case JsonNode::Type::kNull: return "null";
    case JsonNode::Type::kBool: return "bool";
    case JsonNode::Type::kNumber:
      return with_literal ? "number " + n.text : "number";
    case JsonNode::Type::kString: return "string";
    case JsonNode::Type::kObject: return "object";
    case JsonNode::Type::kArray: return "array";
  }
  return "value";
}

}  // namespace config
