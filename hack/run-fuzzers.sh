#!/usr/bin/env bash
# Runs every libFuzzer binary in DIR for SECONDS each, starting from its seed
# corpus (testing/fuzz-corpus/<name>/ when present), and prints one summary
# line per fuzzer (executions, corpus size) and a closing
# "N passed, N failed" line. Exits non-zero when any fuzzer found a crash.
set -uo pipefail
dir=$1
secs=${2:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
pass=0
fail=0
for f in "$dir"/*; do
  [[ -x $f && -f $f ]] || continue
  name=$(basename "$f")
  work=$(mktemp -d)
  seeds="$root/testing/fuzz-corpus/$name"
  args=("$work")
  [[ -d $seeds ]] && args+=("$seeds")
  log="$work/log"
  if "$f" -max_total_time="$secs" -print_final_stats=1 -artifact_prefix="$work/" "${args[@]}" >"$log" 2>&1; then
    execs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
    echo "fuzz: $name ok: ${execs:-?} executions in ${secs}s, corpus $(ls "$work" | grep -vc '^log$')"
    pass=$((pass + 1))
  else
    echo "fuzz: $name FAILED"; tail -40 "$log"
    fail=$((fail + 1))
  fi
  rm -rf "$work"
done
if ((pass + fail == 0)); then
  echo "fuzz: no fuzzer binaries in $dir" >&2
  exit 1
fi
echo "fuzz: $pass passed, $fail failed"
((fail == 0))
