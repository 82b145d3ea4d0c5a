#!/usr/bin/env bash
# Pod-level CDI proof on the running local cluster (KUBECONFIG set, e.g. by
# the dra_cluster test fixture): a pod whose container asks for a device
# named by a static CDI spec in /etc/cdi starts with that device node.
#
# The kubelet hands CDI device names to the runtime only on behalf of a DRA
# driver or a device plugin, so a tiny test device plugin
# (deviceplugin/cdi_device_plugin.py, Python + grpcio from .venv) advertises
# `dra-cluster.test/cdi` and answers Allocate with nothing but the CDI name
# `dra-cluster.test/pod=dev0`. The device node and env in the container can
# only come from containerd applying /etc/cdi/dra-cluster-pod-test.yaml.
# Last line: N passed, N failed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
# shellcheck source=../lib.sh
source "$here/../lib.sh"
: "${KUBECONFIG:?KUBECONFIG must point at the running cluster (hack/cluster/up)}"
KUBECTL=${KUBECTL:-$CACHE/bin/kubectl}
PY=${PY:-$repo/.venv/bin/python}
pass=0
fail=0
ok() { echo "PASS: $*"; pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
kc() { "$KUBECTL" --kubeconfig "$KUBECONFIG" "$@"; }

spec=/etc/cdi/dra-cluster-pod-test.yaml
work=$(mktemp -d)
plugin_pid=
cleanup() {
  kc delete pod cdi-pod --ignore-not-found --wait=false >/dev/null 2>&1
  [[ -n $plugin_pid ]] && kill "$plugin_pid" 2>/dev/null && wait "$plugin_pid" 2>/dev/null
  rm -f "$spec" /var/lib/kubelet/device-plugins/dra-cluster-cdi-test.sock
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p /etc/cdi
cat > "$spec" <<'EOF2'
cdiVersion: "0.6.0"
kind: dra-cluster.test/pod
devices:
- name: dev0
  containerEdits:
    env: ["DRA_CLUSTER_POD_CDI=dev0"]
    deviceNodes:
    - path: /dev/dra-cluster-pod0
      type: c
      major: 1
      minor: 3
      permissions: rw
EOF2

"$PY" "$here/deviceplugin/cdi_device_plugin.py" dra-cluster.test/cdi dra-cluster.test/pod=dev0 1 \
  > "$work/plugin.log" 2>&1 &
plugin_pid=$!

node=$(kc get nodes -o jsonpath='{.items[0].metadata.name}')
for _ in $(seq 1 60); do
  alloc=$(kc get node "$node" -o jsonpath='{.status.allocatable.dra-cluster\.test/cdi}' 2>/dev/null)
  [[ $alloc == 1 ]] && break
  sleep 1
done
if [[ ${alloc:-} == 1 ]]; then
  ok "test device plugin registered: node allocatable dra-cluster.test/cdi=1"
else
  bad "node never showed dra-cluster.test/cdi (plugin log: $(tr '\n' ' ' < "$work/plugin.log"))"
fi

kc apply -f - >/dev/null <<'EOF2'
apiVersion: v1
kind: Pod
metadata:
  name: cdi-pod
spec:
  restartPolicy: Never
  containers:
  - name: c
    image: ubuntu:22.04
    command: ["bash", "-c", "ls -l /dev/dra-cluster-pod0 && echo env=$DRA_CLUSTER_POD_CDI && echo x > /dev/dra-cluster-pod0 && echo writable"]
    resources:
      limits:
        dra-cluster.test/cdi: 1
EOF2
phase=
for _ in $(seq 1 90); do
  phase=$(kc get pod cdi-pod -o jsonpath='{.status.phase}' 2>/dev/null)
  [[ $phase == Succeeded || $phase == Failed ]] && break
  sleep 1
done
log=$(kc logs cdi-pod 2>&1)
if [[ $phase == Succeeded && $log == *"/dev/dra-cluster-pod0"* && $log == *"env=dev0"* && $log == *writable* ]]; then
  ok "pod asking for CDI device dra-cluster.test/pod=dev0 started with the node inside: $(tr '\n' ' ' <<<"$log")"
else
  bad "pod phase=$phase log=$(tr '\n' ' ' <<<"$log") events: $(kc get events --field-selector involvedObject.name=cdi-pod -o jsonpath='{.items[*].message}' 2>&1 | tail -c 600)"
fi
if grep -q 'Allocate -> dra-cluster.test/pod=dev0' "$work/plugin.log"; then
  ok "the device plugin answered Allocate with only the CDI name"
else
  bad "plugin never saw Allocate: $(tr '\n' ' ' < "$work/plugin.log")"
fi
echo "$pass passed, $fail failed"
((fail == 0))
