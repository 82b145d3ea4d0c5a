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

# iptables rules of the cluster (the `kubernetes` Service DNAT, the apiserver
# port guard) carry this comment; cluster_iptables_del removes them all.
IPT_TAG="dra-cluster"
cluster_iptables_del() {
  command -v iptables >/dev/null || return 0
  local table rule
  for table in nat filter; do
    while IFS= read -r rule; do
      # shellcheck disable=SC2086
      eval "iptables -t $table ${rule/-A /-D }" 2>/dev/null || true
    done < <(iptables -t "$table" -S 2>/dev/null | grep -- "--comment \"\?$IPT_TAG\"\? ")
  done
  return 0
}

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

# start NAME CMD...: run CMD in its own session, log to $LOGS/NAME.log, pid in $PIDS/NAME.pid.
start() {
  local name="$1"; shift
  printf '%s\n' "$*" >"$LOGS/$name.cmdline"
  setsid "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$PIDS/$name.pid"
}

# wait_for NAME TIMEOUT CMD...: poll CMD until success; fail naming NAME.
wait_for() {
  local name="$1" timeout="$2"; shift 2
  local end=$(( $(date +%s) + timeout ))
  while ! "$@" >/dev/null 2>&1; do
    local pid; pid="$(cat "$PIDS/$name.pid" 2>/dev/null || true)"
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$LOGS/$name.log" >&2 || true
      die "$name exited during start-up (log: $LOGS/$name.log)"
    fi
    if (( $(date +%s) > end )); then
      tail -n 30 "$LOGS/$name.log" >&2 || true
      die "$name did not come up within ${timeout}s (log: $LOGS/$name.log)"
    fi
    sleep 0.5
  done
  log "$name is up ($(awk -v t0="${T0:-$(date +%s.%N)}" -v t1="$(date +%s.%N)" 'BEGIN{printf "%.1f", t1-t0}')s)"
}
