#!/usr/bin/env bash
# Installs the Debian packages the build and tests need. Idempotent: when
# every package is already installed it returns at once without apt.
set -euo pipefail
PKGS=(
  cmake ninja-build g++ pkgconf ccache
  libabsl-dev nlohmann-json3-dev libyaml-cpp-dev libcli11-dev
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  clang-14 libclang-rt-14-dev
  busybox-static util-linux
)
missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
