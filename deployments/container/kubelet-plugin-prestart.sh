#!/usr/bin/env bash
# Init container of the kubelet-plugin DaemonSet: wait until the NVIDIA driver
# in the driver root is usable (nvidia-smi and libnvidia-ml.so.1 present and
# nvidia-smi runs), so that the plugin starts only against a ready driver.
#
# The chart mounts the PARENT of nvidiaDriverRoot at /driver-root-parent, so a
# driver root that appears after the pod started (GPU Operator) is seen too;
# /driver-root becomes a symlink to it. Env: NVIDIA_DRIVER_ROOT (host path).
# NVML_MOCK_* variables (the test double) are passed on to nvidia-smi.
set -u

host_root="${NVIDIA_DRIVER_ROOT:-/}"
base="$(basename "$host_root")"
[[ "$host_root" == / ]] && base=""
if [[ -d /driver-root-parent ]]; then
  rm -rf /driver-root 2>/dev/null
  ln -sfn "/driver-root-parent/$base" /driver-root
fi
root=/driver-root

find_smi() {
  local d
  for d in /opt/bin /usr/bin /usr/sbin /bin /sbin; do
    [[ -x "$root$d/nvidia-smi" ]] && { echo "$root$d/nvidia-smi"; return 0; }
  done
  return 1
}
find_nvml() {
  local d
  for d in /usr/lib64 /usr/lib/x86_64-linux-gnu /usr/lib/aarch64-linux-gnu /lib64 \
           /lib/x86_64-linux-gnu /lib/aarch64-linux-gnu /usr/lib /lib; do
    [[ -e "$root$d/libnvidia-ml.so.1" ]] && { echo "$root$d/libnvidia-ml.so.1"; return 0; }
  done
  return 1
}

mock_env=()
for v in $(env | sed -n 's/^\(NVML_MOCK_[A-Z_]*\)=.*/\1/p'); do mock_env+=("$v=${!v}"); done

hints() {
  echo "Hints for NVIDIA_DRIVER_ROOT=$host_root (chart value nvidiaDriverRoot):"
  if [[ ! -e "$root/" ]]; then
    echo " - $host_root does not exist on the node (yet)."
  elif [[ -z "$(ls -A "$root/" 2>/dev/null)" ]]; then
    echo " - $host_root is empty: is the driver installed? With the GPU Operator the driver"
    echo "   container fills /run/nvidia/driver once it is ready."
  fi
  echo " - driver installed on the host (/usr/bin/nvidia-smi): nvidiaDriverRoot=/"
  echo " - driver installed by the GPU Operator: nvidiaDriverRoot=/run/nvidia/driver"
  echo " - GKE: nvidiaDriverRoot=/home/kubernetes/bin/nvidia"
}

attempt=0
while true; do
  attempt=$((attempt + 1))
  smi="$(find_smi)"; nvml="$(find_nvml)"
  if [[ -n "$smi" && -n "$nvml" ]]; then
    # --version needs no GPU; older (and mock) nvidia-smi lack it: fall back to -L.
    if out="$(env -i "${mock_env[@]}" LD_PRELOAD="$nvml" "$smi" --version 2>&1)" ||
       out="$(env -i "${mock_env[@]}" LD_PRELOAD="$nvml" "$smi" -L 2>&1)"; then
      echo "driver ready: $smi with $nvml"
      echo "$out" | head -n 4
      exit 0
    fi
    echo "attempt $attempt: $smi failed: $(echo "$out" | head -n 2)"
  else
    echo "attempt $attempt: waiting for nvidia-smi (${smi:-not found}) and libnvidia-ml.so.1 (${nvml:-not found}) under $host_root"
  fi
  if (( attempt % 6 == 0 )); then hints; fi
  sleep "${PRESTART_RETRY_SECONDS:-10}"
done
