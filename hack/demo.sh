#!/usr/bin/env bash
# `make demo`: the GPU DRA driver end to end on this machine, with no GPU and
# no Docker engine. Each step prints what it does and how long it took; a
# failing step prints the relevant logs (plugin pod, kubelet) and stops.
#   1. the local Kubernetes cluster with the dgx-a100-half-balanced mock GPUs
#   2. the driver image (hack/image/build-image), imported into containerd
#   3. the Helm chart (deployments/helm/nvidia-dra-driver-gpu) installed into
#      namespace nvidia-dra-driver-gpu with values for the mock driver root
#   4. the quickstart gpu-test1..4 (shared/specs/upstream-quickstart-v1), and
#      `nvidia-smi -L` of every container
# Tear down: make demo-down.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
topology=${DEMO_TOPOLOGY:-dgx-a100-half-balanced}
specs=${DEMO_SPECS:-$repo/../shared/specs/upstream-quickstart-v1}
ns=nvidia-dra-driver-gpu
root=/var/lib/dra-cluster/driver-root
bin=/var/cache/dra-cluster/bin
kubectl() { "$bin/kubectl" "$@"; }
helm() { "$bin/helm" "$@"; }
t_all=$(date +%s)

fail_logs() {
  echo "---- plugin pods" >&2
  kubectl -n "$ns" get pods -o wide >&2 2>/dev/null
  kubectl -n "$ns" describe pods -l dra-driver-nvidia-gpu-component=kubelet-plugin 2>/dev/null | tail -n 25 >&2
  echo "---- plugin logs (init, gpus)" >&2
  kubectl -n "$ns" logs -l dra-driver-nvidia-gpu-component=kubelet-plugin -c init --tail 20 >&2 2>/dev/null
  kubectl -n "$ns" logs -l dra-driver-nvidia-gpu-component=kubelet-plugin -c gpus --tail 40 >&2 2>/dev/null
  echo "---- kubelet log tail" >&2
  "$repo/hack/cluster/logs" --tail 30 kubelet >&2 2>/dev/null
}
step() {
  local title=$1; shift
  local t0; t0=$(date +%s.%N)
  echo "==> $title"
  if ! "$@"; then
    echo "!! step failed: $title" >&2
    fail_logs
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
image() {
  local out; out=$("$repo/hack/image/build-image" | tail -n 1) || return 1
  IMAGE=${out##* }
  echo "    image $IMAGE"
}
label() { kubectl label node --all nvidia.com/gpu.present=true --overwrite; }
install() {
  local mock="$root"  # the driver root, mounted at /driver-root in the pod
  helm upgrade --install nvidia-dra-driver-gpu "$repo/deployments/helm/nvidia-dra-driver-gpu" \
    --namespace "$ns" --create-namespace --wait=false \
    --set nvidiaDriverRoot="$mock" --set gpuResourcesEnabledOverride=true \
    --set resources.computeDomains.enabled=false \
    --set image.repository="${IMAGE%:*}" --set image.tag="${IMAGE##*:}" \
    -f "$repo/hack/cluster/mock-gpu-values.yaml"
}
ready() {
  kubectl -n "$ns" rollout status daemonset -l dra-driver-nvidia-gpu-component=kubelet-plugin --timeout=180s &&
    kubectl -n "$ns" wait pod -l dra-driver-nvidia-gpu-component=kubelet-plugin --for=condition=Ready --timeout=180s &&
    kubectl -n "$ns" get pods -o wide
}
slices() {
  local i
  for i in $(seq 1 120); do
    [[ -n "$(kubectl get resourceslices --field-selector spec.driver=gpu.nvidia.com -o name 2>/dev/null)" ]] && break
    sleep 1
  done
  kubectl get resourceslices --field-selector spec.driver=gpu.nvidia.com
}
quickstart() {
  local t
  for t in 1 2 3 4; do kubectl apply -f "$specs/gpu-test$t.yaml" || return 1; done
  for t in 1 2 3 4; do
    kubectl -n "gpu-test$t" wait pod --all --for=condition=Ready --timeout=180s || return 1
  done
}
show() {
  local t pod c
  for t in 1 2 3 4; do
    kubectl -n "gpu-test$t" get pods -o wide
    for pod in $(kubectl -n "gpu-test$t" get pods -o name); do
      for c in $(kubectl -n "gpu-test$t" get "$pod" -o jsonpath='{.spec.containers[*].name}'); do
        echo "  gpu-test$t ${pod#pod/} $c:"
        kubectl -n "gpu-test$t" exec "${pod#pod/}" -c "$c" -- nvidia-smi -L | sed 's/^/    /' || return 1
      done
    done
  done
}

step "start the local cluster with mock GPUs ($topology)" up
step "build the driver image and import it into containerd" image
step "label the node as a GPU node (nvidia.com/gpu.present=true)" label
step "helm install the chart into namespace $ns" install
step "wait for the kubelet plugin pod to be Ready" ready
step "wait for the ResourceSlices of gpu.nvidia.com" slices
step "apply the quickstart gpu-test1..gpu-test4 and wait for the pods" quickstart
step "the pods and each container's nvidia-smi -L" show
echo
echo "Done in $(( $(date +%s) - t_all ))s. Look around:"
echo "  export KUBECONFIG=$KUBECONFIG PATH=$bin:\$PATH"
echo "  kubectl get resourceslices,deviceclasses; kubectl get resourceclaims -A"
echo "  kubectl -n $ns logs ds/nvidia-dra-driver-gpu-dra-driver-nvidia-gpu-kubelet-plugin -c gpus"
echo "  helm -n $ns list"
echo "Tear down: make demo-down"
