#!/usr/bin/env bash
# `make demo`: what the project can show today, end to end on this machine,
# with no GPU and no Docker engine. Each step prints what it does and how
# long it took; a failing step prints the relevant logs and stops.
#   1. the local Kubernetes cluster with the dgx-a100-half-balanced mock GPUs
#   2. the node's GPUs as NVML reports them (through the mock driver root)
#   3. the DRA devices the GPU kubelet plugin publishes for them
# The GPU kubelet plugin and the Helm chart are not part of the demo yet;
# once they are, this script installs the chart and runs the quickstart.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
topology=${DEMO_TOPOLOGY:-dgx-a100-half-balanced}
t_all=$(date +%s)
step() {
  local title=$1; shift
  local t0; t0=$(date +%s.%N)
  echo "==> $title"
  if ! "$@"; then
    echo "!! step failed: $title" >&2
    "$repo/hack/cluster/logs" --tail 30 >&2 || true
    exit 1
  fi
  awk -v t="$title" -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "    (%s: %.1fs)\n", t, b-a}'
}

up() {
  local out
  out=$("$repo/hack/cluster/up" --topology "$topology") || return 1
  KUBECONFIG=${out##*KUBECONFIG=}
  export KUBECONFIG
}
nodes() { /var/cache/dra-cluster/bin/kubectl get nodes -o wide; }
# The mock driver root: its GPUs are visible where its /dev nodes are.
root=/var/lib/dra-cluster/driver-root
mockenv=(NVML_MOCK_ROOT=$root NVML_MOCK_DEV_DIR=$root/dev
         NVML_MOCK_TOPOLOGY=$root/lib64/nvml-mock-topology.yaml
         NVML_MOCK_STATE=$root/var/lib/nvml-mock/state.json DRA_SYSFS_ROOT=$root)
inventory() { env "${mockenv[@]}" "$repo/build/bin/gpu-inventory" --driver-root "$root"; }
smi() { env "${mockenv[@]}" LD_LIBRARY_PATH="$root/lib64" "$root/bin/nvidia-smi" -L; }

step "start the local cluster with mock GPUs ($topology)" up
step "the node" nodes
step "nvidia-smi -L on the node (mock driver root)" smi
step "GPUs, MIG devices and the DRA devices the plugin publishes" inventory
echo
echo "Done in $(( $(date +%s) - t_all ))s. Look around:"
echo "  export KUBECONFIG=$KUBECONFIG"
echo "  /var/cache/dra-cluster/bin/kubectl get nodes"
echo "  ${mockenv[*]} build/bin/gpu-inventory --driver-root $root --json"
echo "Tear down: make demo-down"
