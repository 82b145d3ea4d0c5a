// Fuzz target: /proc/devices and nvidia-caps access-file parsers never
// crash, hang or read out of bounds on arbitrary text.
#include <cstdint>
#include <string>

#include "hw/nvidia_caps.h"
#include "hw/proc_devices.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string in(reinterpret_cast<const char*>(data), size);
  (void)hw::ParseProcDevices(in);
  (void)hw::ParseCapAccess(in);
  return 0;
}
