#!/usr/bin/env bash
# Assemble device-carry/ (git-ignored): what hack/device-check.sh needs on a
# machine with a real GPU that has none of our build dependencies: our
# binaries (gpu-inventory, cdi-hook, gpu-kubelet-plugin, bench/nvml_rss when built), the shared libraries
# they need besides glibc, Debian's runc with libseccomp, and busybox for a
# minimal container root filesystem. Run after `make build`.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build}
out=device-carry
rm -rf "$out"
mkdir -p "$out/bin" "$out/lib"
bins=("$build/bin/gpu-inventory" "$build/bin/cdi-hook" "$build/bin/gpu-kubelet-plugin" /usr/sbin/runc
      /bin/busybox)
for b in "${bins[@]}"; do
  [[ -x $b ]] || { echo "device-carry: $b missing (make build; apt-get install runc busybox-static)" >&2; exit 1; }
  cp -L "$b" "$out/bin/"
done
cp -aL "$build/lib/libnvidia-ml.so.1" "$out/lib/mock-libnvidia-ml.so.1"
# bench/nvml_rss, and plugin_bench with the mock's tools for its
# --standalone mode (device-bench/ laid out as a build dir for
# make-driver-root), when a benchmark build has them (BENCH_BUILD, default
# build-h7).
bb=${BENCH_BUILD:-build-h7}
if [[ -x $bb/bench/nvml_rss ]]; then
  cp -L "$bb/bench/nvml_rss" "$out/bin/"
  bins+=("$bb/bench/nvml_rss")
fi
if [[ -x $bb/bench/plugin_bench && -x $bb/bin/nvml-mock-ctl ]]; then
  mkdir -p "$out/bench-build/bin" "$out/bench-build/lib" "$out/bench-build/bench"
  cp -L "$bb/bench/plugin_bench" "$out/bench-build/bench/"
  cp -L "$bb/bin/nvml-mock-ctl" "$bb/bin/nvml-mock-smi" "$out/bench-build/bin/"
  cp -L "$bb/lib/libnvidia-ml.so.1" "$out/bench-build/lib/"
  bins+=("$bb/bench/plugin_bench" "$bb/bin/nvml-mock-ctl" "$bb/bin/nvml-mock-smi")
  strip --strip-debug "$out"/bench-build/*/* 2>/dev/null || true
fi
# Non-glibc libraries of the dynamically linked binaries.
for b in "${bins[@]}" "$build/lib/libnvidia-ml.so.1"; do
  { ldd "$b" 2>/dev/null || true; } | awk '$3 ~ /^\// {print $3}'
done | sort -u | while read -r lib; do
  case "$(basename "$lib")" in
    libc.so*|libm.so*|libpthread.so*|libdl.so*|librt.so*|ld-linux*) ;;
    *) cp -L "$lib" "$out/lib/" ;;
  esac
done
strip --strip-debug "$out"/bin/gpu-inventory "$out"/bin/cdi-hook "$out"/bin/gpu-kubelet-plugin \
  "$out"/lib/*.so* 2>/dev/null || true
du -sh "$out" || true
