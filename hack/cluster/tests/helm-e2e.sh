#!/usr/bin/env bash
# End-to-end test of the Helm chart (deployments/helm/nvidia-dra-driver-gpu)
# on the running local cluster (started with --topology, CTest fixture
# dra_cluster):
#   1. helm lint
#   2. render + `kubectl apply --dry-run=server` of every manifest, for the
#      resource.k8s.io/v1 variant and with resourceApiVersion=resource.k8s.io/v1beta1
#      (dry run only where the server serves v1beta1, else the render is checked)
#   3. image built and imported (hack/image/build-image), helm install, the
#      plugin pod Ready, ResourceSlices published by the pod
#   4. quickstart gpu-test2 through the Helm-installed plugin: both containers
#      name the same GPU
#   5. helm upgrade (logVerbosity) rolls the pod, which is Ready again
#   6. helm uninstall leaves no gpu.nvidia.com ResourceSlices, no DeviceClasses
#      of the chart and no plugin registration socket
# The host-process plugin (hack/cluster/driver) is stopped first; the chart is
# always uninstalled at the end. Last line: `N passed, N failed`.
set -uo pipefail
source "$(dirname "$0")/../lib.sh"

export KUBECONFIG="${KUBECONFIG:-$STATE/admin.kubeconfig}"
KCTL="$CACHE/bin/kubectl"
HELM="$CACHE/bin/helm"
CHART="$REPO_ROOT/deployments/helm/nvidia-dra-driver-gpu"
SPECS="${QUICKSTART_SPECS:-$REPO_ROOT/../shared/specs/upstream-quickstart-v1}"
NS=nvidia-dra-driver-gpu
REL=nvidia-dra-driver-gpu
SEL=dra-driver-nvidia-gpu-component=kubelet-plugin
PASS=0; FAIL=0
check() { # check "what" cmd...
  local what="$1"; shift
  if "$@"; then PASS=$((PASS + 1)); echo "PASS: $what"
  else FAIL=$((FAIL + 1)); echo "FAIL: $what"; fi
}
k() { "$KCTL" "$@"; }
logs() {
  k -n "$NS" get pods -o wide 2>&1 | sed 's/^/  /'
  k -n "$NS" logs -l "$SEL" -c init --tail 10 2>&1 | sed 's/^/  init: /'
  k -n "$NS" logs -l "$SEL" -c gpus --tail 30 2>&1 | sed 's/^/  gpus: /'
  "$CLUSTER_DIR/logs" --tail 20 kubelet 2>&1 | sed 's/^/  /'
}
cleanup() {
  "$HELM" -n "$NS" uninstall "$REL" --wait >/dev/null 2>&1
  k delete namespace gpu-test2 "$NS" --ignore-not-found --wait=true --timeout=120s >/dev/null 2>&1
}
trap cleanup EXIT

[[ -f "$PIDS/kube-apiserver.pid" ]] || die "no running cluster (start it: hack/cluster/up --topology dgx-a100-half-balanced)"
[[ -d "$DRIVER_ROOT/dev" ]] || die "the cluster has no mock driver root (start it with --topology)"
"$CLUSTER_DIR/driver" stop >/dev/null 2>&1 || true
# DeviceClasses the host-process driver applied (not Helm's) block the install.
for dc in gpu.nvidia.com mig.nvidia.com vfio.gpu.nvidia.com; do
  [[ -z "$(k get deviceclass "$dc" -o jsonpath='{.metadata.labels.app\.kubernetes\.io/managed-by}' 2>/dev/null)" ]] &&
    k delete deviceclass "$dc" --ignore-not-found >/dev/null 2>&1
done
cleanup

VALUES=(--namespace "$NS" --set gpuResourcesEnabledOverride=true --set resources.computeDomains.enabled=false
        --set nvidiaDriverRoot="$DRIVER_ROOT")
MOCK_VALUES="$CLUSTER_DIR/mock-gpu-values.yaml"; trap cleanup EXIT

# 1. lint
check "helm lint" bash -c "'$HELM' lint '$CHART' ${VALUES[*]} 2>&1 | tee /dev/stderr | grep -q '0 chart(s) failed'"
tmpl() { "$HELM" template x "$CHART" --kube-version 1.37.2 --api-versions resource.k8s.io/v1/DeviceClass "$@" 2>&1 || true; }
refused_without_override() { tmpl -n "$NS" --set resources.computeDomains.enabled=false | grep -q 'set gpuResourcesEnabledOverride=true'; }
check "render fails without gpuResourcesEnabledOverride, naming it" refused_without_override
refused_default() { tmpl -n default --set gpuResourcesEnabledOverride=true,resources.computeDomains.enabled=false | grep -q allowDefaultNamespace; }
check "installing into default is refused" refused_default
refused_no_api() { { "$HELM" template x "$CHART" --kube-version 1.37.2 -n "$NS" --set gpuResourcesEnabledOverride=true,resources.computeDomains.enabled=false 2>&1 || true; } | grep -q "serves no resource.k8s.io version"; }
check "render fails when no resource.k8s.io version is served" refused_no_api

# 2. render + server-side dry run
k create namespace "$NS" >/dev/null 2>&1 || true
render() { "$HELM" template "$REL" "$CHART" --include-crds "${VALUES[@]}" -f "$MOCK_VALUES" \
             --kube-version "$(cat "$STATE/k8s-version")" --api-versions resource.k8s.io/v1/DeviceClass "$@"; }
render >/tmp/helm-e2e-v1.yaml 2>&1
check "render (v1 variant) uses resource.k8s.io/v1 with extendedResourceName" \
  bash -c "grep -q '^apiVersion: resource.k8s.io/v1$' /tmp/helm-e2e-v1.yaml && grep -q 'extendedResourceName: nvidia.com/gpu' /tmp/helm-e2e-v1.yaml"
check "kubectl apply --dry-run=server (v1 variant)" k apply --dry-run=server -f /tmp/helm-e2e-v1.yaml
render --set resourceApiVersion=resource.k8s.io/v1beta1 >/tmp/helm-e2e-v1beta1.yaml 2>&1
check "render (v1beta1 variant) uses resource.k8s.io/v1beta1 without extendedResourceName" \
  bash -c "grep -q '^apiVersion: resource.k8s.io/v1beta1$' /tmp/helm-e2e-v1beta1.yaml && ! grep -q extendedResourceName /tmp/helm-e2e-v1beta1.yaml"
if k api-versions | grep -qx resource.k8s.io/v1beta1; then
  check "kubectl apply --dry-run=server (v1beta1 variant)" k apply --dry-run=server -f /tmp/helm-e2e-v1beta1.yaml
else
  echo "NOTE: the server does not serve resource.k8s.io/v1beta1: the v1beta1 variant is checked as rendered only"
fi

# 3. image, install, pod Ready, slices by the pod
out="$("$REPO_ROOT/hack/image/build-image" | tail -n 1)"
IMAGE="${out##* }"
check "image built and imported ($IMAGE)" test -n "$IMAGE"
k label node --all nvidia.com/gpu.present=true --overwrite >/dev/null
k delete resourceslices --field-selector spec.driver=gpu.nvidia.com >/dev/null 2>&1
check "helm install" "$HELM" install "$REL" "$CHART" "${VALUES[@]}" -f "$MOCK_VALUES" \
  --set image.repository="${IMAGE%:*}" --set image.tag="${IMAGE##*:}"
pod_ready() { k -n "$NS" wait pod -l "$SEL" --for=condition=Ready --timeout="$1" >/dev/null 2>&1; }
check "plugin pod Ready" pod_ready 180s || logs
slices() { [[ -n "$(k get resourceslices --field-selector spec.driver=gpu.nvidia.com -o name 2>/dev/null)" ]]; }
wait_until() { local n="$1"; shift; for _ in $(seq 1 "$n"); do "$@" && return 0; sleep 1; done; return 1; }
check "ResourceSlices of gpu.nvidia.com published by the pod" wait_until 60 slices
check "registration socket present" test -S "$KUBELET_ROOT/plugins_registry/gpu.nvidia.com-reg.sock"

# 4. quickstart gpu-test2
k apply -f "$SPECS/gpu-test2.yaml" >/dev/null
check "gpu-test2 pod Ready" k -n gpu-test2 wait pod --all --for=condition=Ready --timeout=120s
pod="$(k -n gpu-test2 get pods -o name | head -n 1)"; pod="${pod#pod/}"
a="$(k -n gpu-test2 exec "$pod" -c ctr0 -- nvidia-smi -L 2>&1)"
b="$(k -n gpu-test2 exec "$pod" -c ctr1 -- nvidia-smi -L 2>&1)"
echo "  ctr0: $a"; echo "  ctr1: $b"
check "gpu-test2: both containers see the same single GPU" \
  bash -c "[[ '$a' == GPU* && '$a' == '$b' && \$(wc -l <<<'$a') -eq 1 ]]"
k delete namespace gpu-test2 --wait=true --timeout=120s >/dev/null 2>&1

# 5. upgrade rolls the pod
uid0="$(k -n "$NS" get pods -l "$SEL" -o jsonpath='{.items[0].metadata.uid}')"
check "helm upgrade (logVerbosity=6)" "$HELM" upgrade "$REL" "$CHART" --reuse-values -n "$NS" --set logVerbosity=6
rolled() { local u; u="$(k -n "$NS" get pods -l "$SEL" -o jsonpath='{.items[*].metadata.uid}')"; [[ -n "$u" && "$u" != *"$uid0"* ]]; }
check "pod replaced after upgrade" wait_until 120 rolled
check "new pod Ready with LOG_VERBOSITY=6" bash -c "$(declare -f k pod_ready); KCTL='$KCTL' NS='$NS' SEL='$SEL'; pod_ready 180s && \
  [[ \$('$KCTL' -n $NS get pods -l $SEL -o jsonpath='{.items[0].spec.containers[0].env[?(@.name==\"LOG_VERBOSITY\")].value}') == 6 ]]" || logs

# 6. uninstall leaves nothing
check "helm uninstall" "$HELM" uninstall "$REL" -n "$NS" --wait
no_slices() { ! slices; }
no_pods() { [[ -z "$(k -n "$NS" get pods -l "$SEL" -o name 2>/dev/null)" ]]; }
check "plugin pod gone" wait_until 60 no_pods
check "no gpu.nvidia.com ResourceSlices left" wait_until 60 no_slices
check "no DeviceClasses of the chart left" bash -c "[[ -z \$('$KCTL' get deviceclasses -l app.kubernetes.io/instance=$REL -o name) ]]"
check "no plugin registration socket left" bash -c "! ls '$KUBELET_ROOT'/plugins_registry/gpu.nvidia.com* >/dev/null 2>&1"
echo "$PASS passed, $FAIL failed"
[[ $FAIL -eq 0 ]]
