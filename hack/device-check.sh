#!/usr/bin/env bash
# One prepared check for a machine with a real NVIDIA GPU (read-only: it
# changes no GPU setting). Writes everything to ${OUT:-/tmp/device-check}.
#   1. ABI: compiles testing/nvml-abi-check against the real nvml.h and runs it.
#   2. gpu-inventory --json on the real GPU (driver root $DRIVER_ROOT), next to
#      nvidia-smi --query-gpu and nvidia-smi mig -lgipp for comparison.
#   3. The real nvidia-smi -L / -q with the NVML mock first on the library path.
# Needs: cc; build/bin/gpu-inventory and build/lib/libnvidia-ml.so.1 built
# beforehand (carry build/), or steps 2-3 report what is missing.
set -uo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-/tmp/device-check}
mkdir -p "$out"
DRIVER_ROOT=${DRIVER_ROOT:-/usr/local/nvidia}
hdr=${NVML_HEADER_DIR:-/usr/local/cuda/targets/x86_64-linux/include}

step() { echo "== $*" | tee -a "$out/summary.txt"; }

step "1. ABI check against $hdr/nvml.h"
d=testing/nvml-abi-check
if cc -std=c11 -I"$d" -Isrc -c "$d/abi_ours.c" -o "$out/o.o" &&
   cc -std=c11 -I"$d" -I"$hdr" -c "$d/abi_real.c" -o "$out/r.o" &&
   cc "$d/abi_check.c" "$out/o.o" "$out/r.o" -o "$out/abi-check"; then
  "$out/abi-check" | tee "$out/abi.txt" | tail -1 | tee -a "$out/summary.txt"
else
  echo "ABI check did not build" | tee -a "$out/summary.txt"
fi

step "2. gpu-inventory on the real GPU (driver root $DRIVER_ROOT)"
nvidia-smi --query-gpu=index,uuid,name,pci.bus_id,memory.total,driver_version,compute_cap,mig.mode.current \
  --format=csv > "$out/smi-query.csv" 2>&1
nvidia-smi mig -lgipp > "$out/smi-lgipp.txt" 2>&1
if [[ -x build/bin/gpu-inventory ]]; then
  build/bin/gpu-inventory --driver-root "$DRIVER_ROOT" --json > "$out/inventory.json" 2> "$out/inventory.err"
  echo "gpu-inventory rc=$?" | tee -a "$out/summary.txt"
else
  echo "build/bin/gpu-inventory missing" | tee -a "$out/summary.txt"
fi

step "3. real nvidia-smi with the mock library first"
if [[ -f build/lib/libnvidia-ml.so.1 ]]; then
  tmp=$(mktemp -d)
  testing/nvml-mock/make-driver-root "$tmp/root" h100-pcie-vm > /dev/null
  env LD_LIBRARY_PATH="$tmp/root/lib64" NVML_MOCK_TOPOLOGY="$tmp/root/lib64/nvml-mock-topology.yaml" \
      NVML_MOCK_DEV_DIR="$tmp/root/dev" NVML_MOCK_ROOT="$tmp/root" \
      "$(command -v nvidia-smi)" -L > "$out/mock-smi-L.txt" 2>&1
  echo "nvidia-smi -L on mock rc=$?: $(head -1 "$out/mock-smi-L.txt")" | tee -a "$out/summary.txt"
  env LD_LIBRARY_PATH="$tmp/root/lib64" NVML_MOCK_TOPOLOGY="$tmp/root/lib64/nvml-mock-topology.yaml" \
      NVML_MOCK_DEV_DIR="$tmp/root/dev" NVML_MOCK_ROOT="$tmp/root" \
      "$(command -v nvidia-smi)" -q > "$out/mock-smi-q.txt" 2>&1
  echo "nvidia-smi -q on mock rc=$?" | tee -a "$out/summary.txt"
  rm -rf "$tmp"
else
  echo "build/lib/libnvidia-ml.so.1 missing" | tee -a "$out/summary.txt"
fi
cat "$out/summary.txt"
