#!/usr/bin/env bash
# Installs the Debian packages the build and tests need. Idempotent: when
# every package is already installed it returns at once without apt.
set -euo pipefail
PKGS=(
  cmake ninja-build g++ pkgconf ccache
  libabsl-dev nlohmann-json3-dev libyaml-cpp-dev libcli11-dev libcpp-httplib-dev libssl-dev
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libgoogle-glog-dev libgflags-dev libunwind-dev prometheus-cpp-dev
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  clang-14 libclang-rt-14-dev
  busybox-static util-linux
  runc containernetworking-plugins bash-static openssl iptables curl
)
# Python test tools (NVIDIA's NVML bindings, an independent NVML consumer
# used to check the mock against the real H100 capture) in .venv/.
ensure_venv() {
  local root venv
  root=$(cd "$(dirname "$0")/.." && pwd)
  venv="$root/.venv"
  if [[ -x $venv/bin/python ]] && "$venv/bin/python" -c 'import pynvml, grpc, grpc_tools' 2>/dev/null; then
    return 0
  fi
  echo "install-deps: creating $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r "$root/hack/requirements-test.txt"
}

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  ensure_venv
  exit 0
fi
echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
ensure_venv
