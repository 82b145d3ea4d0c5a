#!/usr/bin/env bash
# smi_test.sh: nvml-mock-smi output equals the real nvidia-smi captures of
# fixtures/h100-pcie-vm (query CSV, mig -lgip, -q header), and init
# failures exit non-zero with a message. Needs NVML_MOCK_BUILD_DIR.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fixtures="${NVML_MOCK_FIXTURE_DIR:-$here/../../../shared/fixtures/h100-pcie-vm}"
build="${NVML_MOCK_BUILD_DIR:?}"
smi="$build/bin/nvml-mock-smi"
fail=0
check() {
  if [[ "$2" != "$3" ]]; then
    echo "FAIL: $1"; echo "--- expected"; echo "$2"; echo "--- actual"; echo "$3"; fail=1
  else
    echo "ok: $1"
  fi
}
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export LD_LIBRARY_PATH="$build/lib" NVML_MOCK_IGNORE_DEV=1 NVML_MOCK_STATE="$tmp/state.json"
export NVML_MOCK_TOPOLOGY="$here/topologies/h100-pcie-vm.yaml"
unset NVML_MOCK_ROOT NVML_MOCK_FAULTS NVML_MOCK_DEV_DIR

if [[ -f "$fixtures/recon.txt" ]]; then
  want="$(sed -n '/^### query$/,/^### mig lgip$/p' "$fixtures/recon.txt" | sed '1d;$d')"
  got="$("$smi" --query-gpu=index,uuid,name,pci.bus_id,memory.total,driver_version,compute_cap,mig.mode.current,serial,vbios_version,power.limit --format=csv)"
  check "query-gpu csv" "$want" "$got"
  want="$(sed -n '/^### mig lgip$/,/^### mig lgipp$/p' "$fixtures/recon.txt" | sed '1d;$d')"
  check "mig -lgip" "$want" "$("$smi" mig -lgip)"
fi
if [[ -f "$fixtures/recon2.txt" ]]; then
  # Every "key : value" line of our -q that also appears in the capture
  # of the same GPU model must carry the same value (UUID/serial differ).
  want="$(sed -n '/^### nvidia-smi -q$/,/^### case/p' "$fixtures/recon2.txt" |
          grep -E '^ *(Driver Version|CUDA Version|Attached GPUs|Product Name|Product Brand|Product Architecture|Persistence Mode|Addressing Mode|Minor Number|VBIOS Version|Virtualization Mode|Bus Id|Device Id|Sub System Id|Compute Mode) ')"
  got="$("$smi" -q | grep -E '^ *(Driver Version|CUDA Version|Attached GPUs|Product Name|Product Brand|Product Architecture|Persistence Mode|Addressing Mode|Minor Number|VBIOS Version|Virtualization Mode|Bus Id|Device Id|Sub System Id|Compute Mode) ')"
  check "-q header facts" "$want" "$got"
  check "-q GPU line" "GPU 00000000:00:06.0" "$("$smi" -q | grep '^GPU ')"
fi
check "csv noheader nounits" "81559, Disabled" "$("$smi" --query-gpu=memory.total,mig.mode.current --format=csv,noheader,nounits)"

"$smi" --query-gpu=bogus --format=csv > /dev/null 2>&1
check "bad field exit code" 2 "$?"

printf 'gpus: [\n' > "$tmp/bad.yaml"
err="$(NVML_MOCK_TOPOLOGY="$tmp/bad.yaml" "$smi" -L 2>&1)"
rc=$?
check "init failure exit code" 255 "$rc"
check "init failure names the file" yes "$(grep -q "$tmp/bad.yaml:" <<<"$err" && echo yes)"

NVML_MOCK_TOPOLOGY="$here/topologies/t4.yaml" "$smi" compute-policy --set-timeslice=1 -i 0 > /dev/null 2>&1
check "timeslice not supported on T4" 3 "$?"
NVML_MOCK_TOPOLOGY="$here/topologies/l4.yaml" "$smi" compute-policy --set-timeslice=1 -i 0 > /dev/null 2>&1
check "timeslice on L4" 0 "$?"

exit $fail
