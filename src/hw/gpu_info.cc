#include "hw/gpu_info.h"

#include "absl/strings/str_cat.h"
#include "nvml/nvml_abi.h"

namespace hw {

std::string FabricInfo::CliqueKey() const {
  // No clique: state NOT_SUPPORTED, or no / all-zero cluster UUID.
  if (state == NVML_GPU_FABRIC_STATE_NOT_SUPPORTED) return "";
  if (clusterUuid.empty() ||
      clusterUuid.find_first_not_of("0-") == std::string::npos) {
    return "";
  }
  return absl::StrCat(clusterUuid, ".", cliqueId);
}

}  // namespace hw
