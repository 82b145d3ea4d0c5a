// report.h: renders what gpu-inventory found — node facts, GPUs, MIG
// profiles and devices, and the DRA devices the GPU plugin would publish —
// as JSON (machine-readable, stable key names) or as a readable table.
//
// Used by cmd/gpu-inventory/main.cc and its tests. Pure; thread-safe.
#ifndef DRA_CMD_GPU_INVENTORY_REPORT_H_
#define DRA_CMD_GPU_INVENTORY_REPORT_H_

#include <string>

#include "devices/gpu_devices.h"
#include "hw/gpu_info.h"
#include "nlohmann/json.hpp"

namespace inventory {

// {"driverVersion", "cudaDriverVersion", "gpus": [...], "devices": [...]}
// with `devices` in resource.k8s.io/v1 JSON form.
nlohmann::json ReportJson(const hw::NodeInfo& node, const devices::BuildResult& built);

// Human-readable tables of the same facts.
std::string ReportTable(const hw::NodeInfo& node, const devices::BuildResult& built);

}  // namespace inventory

#endif  // DRA_CMD_GPU_INVENTORY_REPORT_H_
