// Fuzz target: DecodeNodeInfo (the discovery child's answer) never
// crashes, hangs or reads out of bounds; what it accepts encodes and
// decodes again to the same text.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "hw/node_info_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto node = hw::DecodeNodeInfo(std::string_view(reinterpret_cast<const char*>(data), size));
  if (node.ok()) {
    const std::string text = hw::EncodeNodeInfo(*node);
    auto again = hw::DecodeNodeInfo(text);
    if (!again.ok() || hw::EncodeNodeInfo(*again) != text) std::abort();
  }
  return 0;
}
