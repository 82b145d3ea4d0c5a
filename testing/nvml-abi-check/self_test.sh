#!/usr/bin/env bash
# self_test.sh: checks the ABI checker itself, without NVIDIA's header.
# Our own nvml_abi.h, copied as "nvml.h", stands in for the real header:
#   1. unchanged: every fact passes, exit 0;
#   2. a #define and an enum member deleted (an older header): both reported
#      ABSENT, the rest compared, exit 0;
#   3. one value changed as well: reported MISMATCH, exit 1.
# Usage: self_test.sh SOURCE_DIR
set -euo pipefail
src=$1
d=$src/testing/nvml-abi-check
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc=${CC:-cc}

run() {  # run NAME: build the checker against $tmp/NAME/nvml.h and run it
  local h=$tmp/$1
  python3 "$d/gen_items.py" --present-in "$h/nvml.h" "$d/abi_items.h" > "$h/items.h"
  $cc -std=c11 -I"$d" -I"$src/src" -c "$d/abi_ours.c" -o "$h/o.o"
  $cc -std=c11 -I"$d" -I"$h" "-DDRA_ABI_REAL_ITEMS=\"$h/items.h\"" -c "$d/abi_real.c" -o "$h/r.o"
  $cc "$d/abi_check.c" "$h/o.o" "$h/r.o" -o "$h/abi-check"
  set +e
  "$h/abi-check" > "$h/out.txt"
  echo $? > "$h/rc"
  set -e
}
fail() { echo "FAIL: $*"; cat "$tmp/$case/out.txt" 2>/dev/null | tail -5; exit 1; }
total=$(grep -c '^DRA_ABI_' "$d/abi_items.h")

case=same; mkdir "$tmp/$case"
cp "$src/src/nvml/nvml_abi.h" "$tmp/$case/nvml.h"
run $case
[[ $(cat $tmp/$case/rc) == 0 ]] || fail "$case: exit $(cat $tmp/$case/rc)"
grep -qx "$total passed, 0 failed, 0 not declared in this nvml.h" "$tmp/$case/out.txt" ||
  fail "$case: summary"

case=older; mkdir "$tmp/$case"
grep -v -e 'NVML_GPU_INSTANCE_PROFILE_3_SLICE_GFX' -e 'NVML_ERROR_ALREADY_INITIALIZED' \
  "$src/src/nvml/nvml_abi.h" > "$tmp/$case/nvml.h"
run $case
[[ $(cat $tmp/$case/rc) == 0 ]] || fail "$case: exit $(cat $tmp/$case/rc)"
grep -q '^ABSENT   NVML_GPU_INSTANCE_PROFILE_3_SLICE_GFX .*ours=17' "$tmp/$case/out.txt" ||
  fail "$case: the missing #define is not reported"
grep -q '^ABSENT   NVML_ERROR_ALREADY_INITIALIZED ' "$tmp/$case/out.txt" ||
  fail "$case: the missing enum member is not reported"
grep -qx "$((total - 2)) passed, 0 failed, 2 not declared in this nvml.h" "$tmp/$case/out.txt" ||
  fail "$case: summary"

case=changed; mkdir "$tmp/$case"
sed 's/^#define NVML_COMPUTE_INSTANCE_PROFILE_7_SLICE_NVL 0x8$/#define NVML_COMPUTE_INSTANCE_PROFILE_7_SLICE_NVL 0x9/' \
  "$tmp/older/nvml.h" > "$tmp/$case/nvml.h"
run $case
[[ $(cat $tmp/$case/rc) == 1 ]] || fail "$case: exit $(cat $tmp/$case/rc), want 1"
grep -q '^MISMATCH NVML_COMPUTE_INSTANCE_PROFILE_7_SLICE_NVL .*ours=8 real=9' "$tmp/$case/out.txt" ||
  fail "$case: the changed value is not reported"
grep -qx "$((total - 3)) passed, 1 failed, 2 not declared in this nvml.h" "$tmp/$case/out.txt" ||
  fail "$case: summary"
echo "nvml ABI checker self-test: 3 cases passed ($total facts)"
