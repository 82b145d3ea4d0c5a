#!/usr/bin/env bash
# One prepared check for a machine with a real NVIDIA GPU (read-only: it
# changes no GPU setting). Writes everything to ${OUT:-/tmp/device-check}.
#   1. ABI: compiles testing/nvml-abi-check against the real nvml.h and runs it.
#   2. gpu-inventory --json on the real GPU (driver root $DRIVER_ROOT), next to
#      nvidia-smi --query-gpu and nvidia-smi mig -lgipp for comparison.
#   3. The real nvidia-smi -L / -q with the NVML mock first on the library path.
#   4. CDI: gpu-inventory --cdi-spec writes the spec the plugin would inject
#      for every GPU from the real driver root; a runc container (busybox
#      root filesystem, the spec applied by testing/device/apply_cdi.py, our
#      cdi-hook as createContainer hook) runs `nvidia-smi -L` from the
#      injected driver files; and the same without the GPU's device node.
#   5. bench/nvml_rss on the real driver: discovery time and what loading
#      NVML and discovery add to the resident memory.
#   6. The plugin's GPU discovery child (`gpu-kubelet-plugin __discover-gpus`)
#      on the real driver: its answer, time and peak RSS.
# Needs: cc, python3; device-carry/ from hack/device-carry.sh (our binaries,
# their non-glibc libraries, runc + libseccomp, busybox).
set -uo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-/tmp/device-check}
mkdir -p "$out"
DRIVER_ROOT=${DRIVER_ROOT:-/usr/local/nvidia}
hdr=${NVML_HEADER_DIR:-/usr/local/cuda/targets/x86_64-linux/include}

step() { echo "== $*" | tee -a "$out/summary.txt"; }

step "1. ABI check against $hdr/nvml.h"
d=testing/nvml-abi-check
# Names this nvml.h does not declare (an older CUDA toolkit than our
# declarations) are listed as ABSENT instead of breaking the build.
if python3 "$d/gen_items.py" --present-in "$hdr/nvml.h" "$d/abi_items.h" > "$out/abi_real_items.h" &&
   cc -std=c11 -I"$d" -Isrc -c "$d/abi_ours.c" -o "$out/o.o" &&
   cc -std=c11 -I"$d" -I"$hdr" "-DDRA_ABI_REAL_ITEMS=\"$out/abi_real_items.h\"" \
      -c "$d/abi_real.c" -o "$out/r.o" &&
   cc "$d/abi_check.c" "$out/o.o" "$out/r.o" -o "$out/abi-check"; then
  "$out/abi-check" | tee "$out/abi.txt" | tail -1 | tee -a "$out/summary.txt"
else
  echo "ABI check did not build" | tee -a "$out/summary.txt"
fi

step "2. gpu-inventory on the real GPU (driver root $DRIVER_ROOT)"
nvidia-smi --query-gpu=index,uuid,name,pci.bus_id,memory.total,driver_version,compute_cap,mig.mode.current \
  --format=csv > "$out/smi-query.csv" 2>&1
nvidia-smi mig -lgipp > "$out/smi-lgipp.txt" 2>&1
carry=$PWD/device-carry
export LD_LIBRARY_PATH="$carry/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
if [[ -x $carry/bin/gpu-inventory ]]; then
  "$carry/bin/gpu-inventory" --driver-root "$DRIVER_ROOT" --json > "$out/inventory.json" 2> "$out/inventory.err"
  echo "gpu-inventory rc=$?" | tee -a "$out/summary.txt"
else
  echo "device-carry/bin/gpu-inventory missing" | tee -a "$out/summary.txt"
fi

step "3. real nvidia-smi with the mock library first"
if [[ -f $carry/lib/mock-libnvidia-ml.so.1 ]]; then
  tmp=$(mktemp -d)
  mkdir -p "$tmp/root/lib64" "$tmp/root/dev"
  cp "$carry/lib/mock-libnvidia-ml.so.1" "$tmp/root/lib64/libnvidia-ml.so.1"
  cp testing/nvml-mock/topologies/h100-pcie-vm.yaml "$tmp/root/lib64/nvml-mock-topology.yaml"
  : > "$tmp/root/dev/nvidia0"
  env LD_LIBRARY_PATH="$tmp/root/lib64" NVML_MOCK_TOPOLOGY="$tmp/root/lib64/nvml-mock-topology.yaml" \
      NVML_MOCK_DEV_DIR="$tmp/root/dev" \
      "$(command -v nvidia-smi)" -L > "$out/mock-smi-L.txt" 2>&1
  echo "nvidia-smi -L on mock rc=$?: $(head -1 "$out/mock-smi-L.txt")" | tee -a "$out/summary.txt"
  env LD_LIBRARY_PATH="$tmp/root/lib64" NVML_MOCK_TOPOLOGY="$tmp/root/lib64/nvml-mock-topology.yaml" \
      NVML_MOCK_DEV_DIR="$tmp/root/dev" \
      "$(command -v nvidia-smi)" -q > "$out/mock-smi-q.txt" 2>&1
  echo "nvidia-smi -q on mock rc=$?" | tee -a "$out/summary.txt"
  rm -rf "$tmp"
else
  echo "device-carry/lib/mock-libnvidia-ml.so.1 missing" | tee -a "$out/summary.txt"
fi
step "4. CDI spec from the real driver root, then runc + nvidia-smi -L in a container"
if [[ -x $carry/bin/runc && -x $carry/bin/cdi-hook && -x $carry/bin/gpu-inventory ]]; then
  work=$(mktemp -d /tmp/cdi-check.XXXX)
  hook=$work/cdi-hook
  cp "$carry/bin/cdi-hook" "$hook"
  # The hook runs from the runtime without our LD_LIBRARY_PATH: a wrapper.
  printf '#!/bin/sh\nLD_LIBRARY_PATH=%s exec %s "$@"\n' "$carry/lib" "$carry/bin/cdi-hook" > "$hook"
  chmod 755 "$hook"
  "$carry/bin/gpu-inventory" --driver-root "$DRIVER_ROOT" --cdi-spec "$out/node-spec.json" \
    --cdi-hook-path "$hook" > /dev/null 2> "$out/cdi-spec.err"
  echo "gpu-inventory --cdi-spec rc=$? ($(wc -c < "$out/node-spec.json" 2>/dev/null) bytes)" | tee -a "$out/summary.txt"
  for case in with-gpu without-gpu-node; do
    b=$work/$case
    mkdir -p "$b/rootfs/bin" "$b/rootfs/etc" "$b/rootfs/tmp" "$b/rootfs/proc" "$b/rootfs/dev" "$b/rootfs/sys"
    cp "$carry/bin/busybox" "$b/rootfs/bin/busybox"
    for t in sh ls cat; do ln -sf busybox "$b/rootfs/bin/$t"; done
    # The C runtime of this machine (what any container image brings), not
    # the driver's files: those come from the CDI spec.
    smi=$(find "$DRIVER_ROOT"/bin "$DRIVER_ROOT"/usr/bin -maxdepth 1 -name nvidia-smi 2>/dev/null | head -1)
    { env -u LD_LIBRARY_PATH ldd "${smi:-/bin/ls}" 2>/dev/null || true; } | grep -o '/[^ ]*' | grep -v "^$DRIVER_ROOT/" |
      while read -r l; do mkdir -p "$b/rootfs$(dirname "$l")"; cp -L "$l" "$b/rootfs$l"; done
    (cd "$b" && "$carry/bin/runc" spec)
    python3 testing/device/apply_cdi.py "$out/node-spec.json" gpu-0 "$b/config.json" "$b/rootfs" \
      -- /bin/sh -c 'nvidia-smi -L; echo; ls /dev; cat /etc/ld.so.conf.d/*' >> "$out/apply.log" 2>&1
    if [[ $case == without-gpu-node ]]; then
      python3 - "$b/config.json" <<'PY'
import json, sys
p = sys.argv[1]; c = json.load(open(p))
c["linux"]["devices"] = [d for d in c["linux"]["devices"] if not d["path"].startswith("/dev/nvidia0")]
json.dump(c, open(p, "w"))
PY
    fi
    cp "$b/config.json" "$out/config-$case.json"
    (cd "$b" && timeout 60 "$carry/bin/runc" --root "$work/runc-state" run "cdi-$case-$$") \
      > "$out/runc-$case.txt" 2>&1
    echo "runc $case rc=$?: $(grep -m2 -E 'GPU|No devices|error' "$out/runc-$case.txt" | tr '\n' ' ')" | tee -a "$out/summary.txt"
  done
  rm -rf "$work"
else
  echo "device-carry/ lacks runc, cdi-hook or gpu-inventory (run hack/device-carry.sh)" | tee -a "$out/summary.txt"
fi
step "5. NVML on the real driver: discovery time and resident memory (bench/nvml_rss)"
# What NVML itself costs the plugin on a real node (the plugin's figures in
# bench/README.md are measured with the mock), and how long discovery takes.
if [[ -x $carry/bin/nvml_rss ]]; then
  for i in 1 2 3; do
    "$carry/bin/nvml_rss" --driver-root="$DRIVER_ROOT" 2>&1
  done | tee -a "$out/summary.txt"
else
  echo "device-carry/bin/nvml_rss missing (BENCH_BUILD with -DDRA_BUILD_BENCHMARKS=ON)" | tee -a "$out/summary.txt"
fi
step "6. The plugin's discovery child on the real driver (what the plugin reads at start-up)"
if [[ -x $carry/bin/gpu-kubelet-plugin ]]; then
  for i in 1 2 3; do
    python3 - "$carry/bin/gpu-kubelet-plugin" __discover-gpus "$DRIVER_ROOT" / <<'PY'
import json, resource, subprocess, sys, time
t = time.monotonic()
r = subprocess.run(sys.argv[1:], capture_output=True, text=True)
ms = (time.monotonic() - t) * 1000
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
if r.returncode != 0:
    print(f"discovery child rc={r.returncode}: {r.stderr.strip()}")
else:
    n = json.loads(r.stdout)
    gpus = ", ".join(f"{g['uuid']} {g['name']} minor {g['minor']} {g.get('memoryBytes', 0) >> 20} MiB"
                     for g in n["gpus"])
    print(f"discovery child rc=0 in {ms:.0f} ms (child peak RSS {peak} KiB): driver "
          f"{n['driverVersion']}, {len(n['gpus'])} GPU(s): {gpus}")
PY
  done 2>&1 | tee -a "$out/summary.txt"
fi
cat "$out/summary.txt"
