// node_info_codec.h: NodeInfo (gpu_info.h) to JSON and back, losslessly.
// The GPU plugin runs discovery in a child process (so that NVML, about
// 20 MiB resident on a real node, never enters the long-lived plugin) and
// reads its NodeInfo from the child's standard output in this form.
//
// Every field of every struct is written; decoding is strict: a missing
// field (other than the std::optional ones), an unknown field, a value of
// the wrong type or out of range for its C++ type is an InvalidArgument
// error naming its path, e.g. "gpus[1].migProfiles[0].slices".
//
// Pure functions; thread-safe. Fuzzed by node_info_codec_fuzzer.
#ifndef DRA_HW_NODE_INFO_CODEC_H_
#define DRA_HW_NODE_INFO_CODEC_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "hw/gpu_info.h"

namespace hw {

std::string EncodeNodeInfo(const NodeInfo& node);

absl::StatusOr<NodeInfo> DecodeNodeInfo(std::string_view json_text);

}  // namespace hw

#endif  // DRA_HW_NODE_INFO_CODEC_H_
