#!/usr/bin/env bash
# Smoke test of the local cluster (CTest label `cluster`).
#
#   hack/cluster/tests/cluster-smoke.sh [--k8s-version X.Y.Z] [--topology NAME] [--keep]
#
# Starts the cluster (hack/cluster/up), checks that
#   1. kubectl api-versions lists the resource.k8s.io version this release serves,
#   2. a pod with image ubuntu:22.04 runs a command and its log is readable,
#   3. containerd applies a static CDI spec from /etc/cdi: a container asking for
#      the CDI device (CRI CDI_devices field, the one the kubelet fills for DRA
#      claims; and the cdi.k8s.io/ container annotation) gets the device node and env,
#   4. hack/cluster/down leaves no process, mount, bridge or state behind,
# and prints `N passed, N failed` as its last line. --keep leaves the cluster up
# (skips check 4). Exit status 0 only when all checks passed.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
source "$HERE/../lib.sh"

K8S_VERSION="${DRA_CLUSTER_K8S_VERSION:-$DEFAULT_K8S_VERSION}"
KEEP=0
TOPOLOGY_ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --k8s-version) K8S_VERSION="${2#v}"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --topology) TOPOLOGY_ARGS=(--topology "$2"); shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
MINOR="$(k8s_minor "$K8S_VERSION")"

PASS=0
FAIL=0
ok()   { PASS=$((PASS + 1)); echo "PASS: $*"; }
bad()  { FAIL=$((FAIL + 1)); echo "FAIL: $*"; }
finish() {
  echo "$PASS passed, $FAIL failed"
  [[ $FAIL -eq 0 ]]
  exit $?
}

# ---------------------------------------------------------------- 0. start
echo "== starting cluster (Kubernetes $K8S_VERSION)"
UP_OUT="$(mktemp)"
if ! "$CLUSTER_DIR/up" --k8s-version "$K8S_VERSION" "${TOPOLOGY_ARGS[@]}" >"$UP_OUT" 2>"$UP_OUT.err"; then
  cat "$UP_OUT.err"
  comp="$(sed -n 's/.*ERROR: \([a-z-]*\) .*/\1/p' "$UP_OUT.err" | tail -1)"
  bad "cluster start: component '${comp:-unknown}' did not come up (see above)"
  "$CLUSTER_DIR/logs" --tail 40 ${comp:+"$comp"}
  "$CLUSTER_DIR/down" >/dev/null 2>&1
  finish
fi
tail -n 3 "$UP_OUT.err"
cat "$UP_OUT"
KUBECONFIG_LINE="$(tail -n 1 "$UP_OUT")"
[[ "$KUBECONFIG_LINE" == KUBECONFIG=/* ]] && ok "up prints KUBECONFIG=<absolute path> last" \
  || bad "up's last line is not KUBECONFIG=/...: '$KUBECONFIG_LINE'"
export KUBECONFIG="${KUBECONFIG_LINE#KUBECONFIG=}"
KUBECTL="$CACHE/v$K8S_VERSION/bin/kubectl"
kc() { "$KUBECTL" "$@"; }

# ---------------------------------------------------------------- 1. API versions
want="resource.k8s.io/v1"
(( MINOR <= 33 )) && want="resource.k8s.io/v1beta1"
# (no `kc ... | grep -q`: with pipefail, grep's early exit gives kubectl SIGPIPE)
versions="$(kc api-versions 2>&1)"
if grep -qx "$want" <<<"$versions"; then
  ok "kubectl api-versions lists $want ($(grep resource.k8s.io <<<"$versions" | tr '\n' ' '))"
else
  bad "kubectl api-versions does not list $want: $(grep resource <<<"$versions" | tr '\n' ' ')"
fi

# ---------------------------------------------------------------- 2. ubuntu pod
kc apply -f - >/dev/null <<'EOF'
apiVersion: v1
kind: Pod
metadata: {name: smoke-ubuntu, namespace: default}
spec:
  restartPolicy: Never
  containers:
  - name: main
    image: ubuntu:22.04
    command: ["bash", "-c"]
    args: ["echo hello-from-$(uname -s); echo bash=$BASH_VERSION"]
EOF
phase=""
for _ in $(seq 1 120); do
  phase="$(kc get pod smoke-ubuntu -o jsonpath='{.status.phase}' 2>/dev/null)"
  [[ "$phase" == Succeeded || "$phase" == Failed ]] && break
  sleep 1
done
logs_out="$(kc logs smoke-ubuntu 2>&1)"
if [[ "$phase" == Succeeded && "$logs_out" == *hello-from-Linux* ]]; then
  ok "pod with image ubuntu:22.04 ran and its log is readable ($(echo "$logs_out" | tr '\n' ' '))"
else
  bad "ubuntu:22.04 pod: phase '$phase', log: $logs_out"
  kc describe pod smoke-ubuntu | tail -n 20
  "$CLUSTER_DIR/logs" --tail 30 kubelet containerd
fi
kc delete pod smoke-ubuntu --wait=false >/dev/null 2>&1

# ---------------------------------------------------------------- 3. CDI in containerd
CRICTL=("$CACHE/cri-tools-v$CRICTL_VERSION/bin/crictl" --config "$STATE/crictl.yaml")
CDI_SPEC=/etc/cdi/dra-cluster-smoke.yaml
CDI_WORK="$(mktemp -d)"
cat >"$CDI_SPEC" <<'EOF'
cdiVersion: "0.6.0"
kind: dra-cluster.test/device
devices:
- name: dev0
  containerEdits:
    env: ["DRA_CLUSTER_CDI_DEV0=present"]
    deviceNodes:
    - path: /dev/dra-cluster-test0
      type: c
      major: 1
      minor: 3
      permissions: rw
containerEdits:
  env: ["DRA_CLUSTER_CDI_COMMON=present"]
EOF
cat >"$CDI_WORK/pod.json" <<EOF
{"metadata": {"name": "smoke-cdi", "namespace": "default", "uid": "smoke-cdi-$$", "attempt": 1},
 "log_directory": "$CDI_WORK/logs", "linux": {}}
EOF
mkdir -p "$CDI_WORK/logs"
cdi_container() { # name field-json
  cat >"$CDI_WORK/$1.json" <<EOF
{"metadata": {"name": "$1"}, "image": {"image": "docker.io/library/ubuntu:22.04"},
 "command": ["bash", "-c", "sleep 600"], "log_path": "$1.log", "linux": {}, $2}
EOF
}
cdi_container via-field '"CDI_devices": [{"name": "dra-cluster.test/device=dev0"}]'
cdi_container via-annotation '"annotations": {"cdi.k8s.io/smoke": "dra-cluster.test/device=dev0"}'
# The kubelet kills every sandbox it did not create ("Clean up containers for orphaned
# pod") at its next housekeeping (2 s), so it is paused (SIGSTOP) while crictl works.
KUBELET_PID="$(cat "$PIDS/kubelet.pid")"
kill -STOP "$KUBELET_PID"
if pod_id="$("${CRICTL[@]}" runp "$CDI_WORK/pod.json" 2>"$CDI_WORK/err")"; then
  for how in via-field via-annotation; do
    if cid="$("${CRICTL[@]}" create "$pod_id" "$CDI_WORK/$how.json" "$CDI_WORK/pod.json" 2>>"$CDI_WORK/err")" \
       && "${CRICTL[@]}" start "$cid" >/dev/null 2>>"$CDI_WORK/err"; then
      out="$("${CRICTL[@]}" exec "$cid" bash -c 'ls -l /dev/dra-cluster-test0; echo "$DRA_CLUSTER_CDI_DEV0 $DRA_CLUSTER_CDI_COMMON"; echo x > /dev/dra-cluster-test0 && echo writable' 2>&1)"
      if [[ "$out" == *"1,"*"3"*dra-cluster-test0* && "$out" == *"present present"* && "$out" == *writable* ]]; then
        ok "CDI device from /etc/cdi injected by containerd ($how): $(echo "$out" | tr '\n' ' ')"
      else
        bad "CDI device ($how) not in container: $out"
      fi
    else
      bad "CDI container ($how) did not start: $(cat "$CDI_WORK/err")"
    fi
  done
  "${CRICTL[@]}" stopp "$pod_id" >/dev/null 2>&1
  "${CRICTL[@]}" rmp "$pod_id" >/dev/null 2>&1
else
  bad "crictl runp (CDI sandbox) failed: $(cat "$CDI_WORK/err")"
fi
kill -CONT "$KUBELET_PID"
rm -f "$CDI_SPEC"
rm -rf "$CDI_WORK"

if [[ $FAIL -gt 0 ]]; then "$CLUSTER_DIR/logs" --tail 20; fi
[[ $KEEP -eq 1 ]] && { echo "cluster left running (--keep): $KUBECONFIG_LINE"; finish; }

# ---------------------------------------------------------------- 4. down leaves nothing
# a running pod, so that down has a shim, a sandbox, a container, a netns and volume mounts to remove
kc run smoke-sleeper --image=ubuntu:22.04 --restart=Never --command -- bash -c 'sleep 100000' >/dev/null
kc wait --for=condition=Ready pod/smoke-sleeper --timeout=60s >/dev/null 2>&1 \
  || echo "note: smoke-sleeper pod not Ready before down: $(kc get pod smoke-sleeper --no-headers 2>&1)"
pids="$(cat "$PIDS"/*.pid 2>/dev/null | tr '\n' ' ')"
pod_procs="$(find /sys/fs/cgroup/pids/kubepods -name cgroup.procs -exec cat {} + 2>/dev/null | tr '\n' ' ')"
mounts_before="$(awk '{print $5}' /proc/self/mountinfo | grep -cE "^($KUBELET_ROOT|$STATE|/run/dra-cluster)(/|$)")"
shims="$(cluster_shim_pids | tr '\n' ' ')"
"$CLUSTER_DIR/down" >/dev/null 2>"$UP_OUT.down" || { cat "$UP_OUT.down"; bad "hack/cluster/down exited non-zero"; }
alive=""
sleep 1
for p in $pids $shims $pod_procs; do
  # a zombie waiting for PID 1 to reap it is no running process
  st="$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)"
  [[ -n "$st" && "$st" != Z ]] && alive+=" $p($(cat /proc/$p/comm 2>/dev/null))"
done
mounts="$(awk '{print $5}' /proc/self/mountinfo | grep -E "^($KUBELET_ROOT|$STATE|/run/dra-cluster)(/|$)")"
procs_in_cgroups="$(find /sys/fs/cgroup/*/kubepods -name cgroup.procs -exec cat {} \; 2>/dev/null | tr '\n' ' ')"
if [[ -z "$alive" && -z "$mounts" && -z "${procs_in_cgroups// /}" ]] \
   && ! ip link show "$CNI_BRIDGE" >/dev/null 2>&1 && [[ ! -e "$STATE" ]]; then
  ok "down left no process (of: components $pids shims $shims pod processes $pod_procs), mount (of $mounts_before), bridge or state"
else
  bad "down left behind: processes [$alive] mounts [$mounts] cgroup procs [$procs_in_cgroups] bridge [$(ip -br link show "$CNI_BRIDGE" 2>/dev/null)] state [$(ls -d "$STATE" 2>/dev/null)]"
fi
"$CLUSTER_DIR/down" >/dev/null 2>&1 && ok "down is safe to run twice" || bad "second down failed"
rm -f "$UP_OUT" "$UP_OUT.err" "$UP_OUT.down"
finish
