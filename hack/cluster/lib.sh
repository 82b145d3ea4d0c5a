# Common settings for hack/cluster scripts. Sourced, not executed.
# shellcheck shell=bash

CLUSTER_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$CLUSTER_DIR/../.." && pwd)"

# Pinned versions (see README.md).
DEFAULT_K8S_VERSION="${DEFAULT_K8S_VERSION:-1.37.2}"
CONTAINERD_VERSION="${CONTAINERD_VERSION:-2.4.2}"
HELM_VERSION="${HELM_VERSION:-3.22.0}"
ETCD_VERSION="${ETCD_VERSION:-3.6.16}"
CRICTL_VERSION="${CRICTL_VERSION:-1.37.0}"

CACHE="${DRA_CLUSTER_CACHE:-/var/cache/dra-cluster}"
STATE="${DRA_CLUSTER_STATE:-/var/lib/dra-cluster}"
LOGS="$STATE/logs"
PIDS="$STATE/pids"
KUBELET_ROOT="/var/lib/kubelet"          # default: plugin dirs at the defaults
CONTAINERD_ROOT="$STATE/containerd/root"
CONTAINERD_RUN="/run/dra-cluster/containerd"
CONTAINERD_SOCK="$CONTAINERD_RUN/containerd.sock"
CNI_BRIDGE="dracni0"
POD_CIDR="10.244.77.0/24"
SERVICE_CIDR="10.96.77.0/24"
NODE_NAME="${DRA_CLUSTER_NODE_NAME:-dra-node}"
APISERVER_PORT="${DRA_CLUSTER_APISERVER_PORT:-16443}"
ETCD_CLIENT_PORT="${DRA_CLUSTER_ETCD_PORT:-12379}"
ETCD_PEER_PORT="$((ETCD_CLIENT_PORT + 1))"
DRIVER_ROOT="$STATE/driver-root"

log() { printf '[cluster %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '[cluster] ERROR: %s\n' "$*" >&2; exit 1; }

# go build helpers: low priority, two jobs at most (the machine is shared).
go_env() {
  export GOFLAGS="-p=2 -mod=mod -buildvcs=false"
  export CGO_ENABLED="${CGO_ENABLED:-0}"
  export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
}

k8s_minor() { echo "$1" | cut -d. -f2; }

# Pids of the containerd shims of OUR containerd: containerd 2.x writes no shim.pid, so
# they are found by their command line, which names our own containerd socket.
cluster_shim_pids() {
  local d cmd
  for d in /proc/[0-9]*; do
    cmd="$(tr '\0' ' ' <"$d/cmdline" 2>/dev/null)" || continue
    [[ "$cmd" == *containerd-shim-runc-v2\ * && "$cmd " == *" -address $CONTAINERD_SOCK "* ]] && echo "${d#/proc/}"
  done
  return 0
}
