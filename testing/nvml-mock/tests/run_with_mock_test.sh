#!/usr/bin/env bash
# run_with_mock_test.sh: run-with-mock builds a driver root, the nvidia-smi
# stand-in shows the mock topology in the real formats, exit codes pass
# through, temp roots are removed, --root keeps one, and a "container" dev
# dir without /dev/nvidia0 sees no GPU. Needs NVML_MOCK_BUILD_DIR.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fixtures="${NVML_MOCK_FIXTURE_DIR:-$here/../../../shared/fixtures/h100-pcie-vm}"
rwm="$here/run-with-mock"
fail=0
check() {  # check NAME EXPECTED ACTUAL
  if [[ "$2" != "$3" ]]; then
    echo "FAIL: $1"; echo "--- expected"; echo "$2"; echo "--- actual"; echo "$3"; fail=1
  else
    echo "ok: $1"
  fi
}
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export TMPDIR="$tmp"

out="$("$rwm" h100-pcie-vm -- nvidia-smi -L)"
check "nvidia-smi -L" "GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-8d85c94b-c985-7c46-ad76-916c816a3ddd)" "$out"

if [[ -f "$fixtures/recon.txt" ]]; then
  want="$(sed -n '/^### mig lgipp$/,/^### topo$/p' "$fixtures/recon.txt" | sed '1d;$d')"
  check "nvidia-smi mig -lgipp" "$want" "$("$rwm" h100-pcie-vm -- nvidia-smi mig -lgipp)"
fi

"$rwm" h100-pcie-vm -- bash -c 'exit 7'
check "exit code passes through" 7 "$?"

leftover="$(find "$tmp" -maxdepth 1 -name 'nvml-mock-root.*' | wc -l)"
check "temp roots removed" 0 "$leftover"

# The environment inside, and the driver root layout.
env_out="$("$rwm" h100-pcie-vm -- bash -c '
  [[ "$NVIDIA_DRIVER_ROOT" == "$NVML_MOCK_ROOT" ]] || echo "bad root"
  [[ -c "$NVML_MOCK_DEV_DIR/nvidia0" ]] || echo "no char node nvidia0"
  [[ -c "$NVML_MOCK_DEV_DIR/nvidiactl" ]] || echo "no nvidiactl"
  [[ -f "$NVML_MOCK_ROOT/lib64/libnvidia-ml.so.1" ]] || echo "no lib"
  [[ -f "$NVML_MOCK_ROOT/firmware/nvidia/580.159.04/gsp_ga10x.bin" ]] || echo "no firmware"
  grep -q "^241 nvidia-caps$" "$NVML_MOCK_ROOT/proc/devices" || echo "no caps major"
  grep -q "DeviceFileMinor: 2" "$NVML_MOCK_ROOT/proc/driver/nvidia/capabilities/mig/monitor" || echo "no monitor"
  [[ -f "$NVML_MOCK_ROOT/proc/driver/nvidia/gpus/0000:00:06.0/information" ]] || echo "no gpu info"
  [[ -f "$NVML_MOCK_STATE" ]] || echo "no state"
  [[ "$(command -v nvidia-smi)" == "$NVML_MOCK_ROOT/bin/nvidia-smi" ]] || echo "nvidia-smi not from root"
  echo done')"
check "driver root layout" "done" "$env_out"

# A container that did not get /dev/nvidia0.
out="$("$rwm" h100-pcie-vm -- bash -c 'rm "$NVML_MOCK_DEV_DIR/nvidia0"; nvidia-smi -L; echo "rc=$?"')"
check "no GPU node" $'No devices found.\nrc=0' "$out"

# --root keeps the root; MIG changes persist in it between runs.
root="$tmp/kept"
"$rwm" --root "$root" dgx-a100 -- bash -c 'nvidia-smi -i 0 -mig 1 >/dev/null && nvidia-smi -i 0 mig -cgi 9 -C >/dev/null'
check "--root kept" yes "$([[ -d "$root/dev" ]] && echo yes)"
out="$(NVML_MOCK_ROOT="$root" NVML_MOCK_DEV_DIR="$root/dev" NVML_MOCK_TOPOLOGY="$root/lib64/nvml-mock-topology.yaml" \
  NVML_MOCK_STATE="$root/var/lib/nvml-mock/state.json" LD_LIBRARY_PATH="$root/lib64" "$root/bin/nvidia-smi" -L | sed -n 2p)"
check "MIG state persisted" "  MIG 3g.20gb     Device  0:" "${out:0:28}"
check "capability file" yes "$([[ -f "$root/proc/driver/nvidia/capabilities/gpu0/mig/gi1/ci0/access" ]] && echo yes)"

# --print-env prints exports.
penv="$("$rwm" --print-env --root "$tmp/penv" l4)"
check "--print-env" yes "$(grep -q "^export NVML_MOCK_ROOT=$tmp/penv$" <<<"$penv" && echo yes)"

# Fault injection from the CLI inside the root.
out="$("$rwm" h100-pcie-vm -- bash -c 'nvml-mock-ctl lose --gpu 0 && nvidia-smi --query-gpu=name --format=csv,noheader')"
check "lost GPU via nvml-mock-ctl" "[GPU is lost]" "$out"

exit $fail
