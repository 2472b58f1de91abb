#!/usr/bin/env bash
# run.sh SECONDS [HARNESS...]: runs every libFuzzer harness (or the ones named: blob_load apply
# lifecycle text_inputs rpi_prepare) for SECONDS each, one after the other, on its corpus.
#   OVLCHECK_FUZZ_BUILD  build directory with the harnesses (default: build-asan beside tests/)
#   OVLCHECK_FUZZ_WORK   where corpora, logs and crash files go (default: BUILD/fuzz)
# Each harness starts from the seeds (make_seeds.sh) plus what earlier runs kept, with
# -rss_limit_mb=512 and a per-input timeout. Prints executions and coverage (edges) per harness;
# exits 1 if any harness found a crash, leak, timeout or out-of-memory (files in WORK/crashes).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
seconds="${1:?usage: run.sh SECONDS [HARNESS...]}"
shift
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(blob_load apply lifecycle text_inputs rpi_prepare)
build="${OVLCHECK_FUZZ_BUILD:-$here/../../build-asan}"
work="${OVLCHECK_FUZZ_WORK:-$build/fuzz}"
mkdir -p "$work/crashes"
[ -d "$work/seeds" ] || "$here/make_seeds.sh" "$work/seeds"

# Per-input bounds: the lifecycle harness replays three times and explores, so it gets more.
max_len() { case "$1" in text_inputs) echo 4096 ;; blob_load|lifecycle) echo 16384 ;; *) echo 32768 ;; esac; }
timeout_s() { case "$1" in lifecycle|apply) echo 10 ;; *) echo 5 ;; esac; }

status=0
for h in "${harnesses[@]}"; do
  bin="$build/tests/fuzz/fuzz_$h"
  [ -x "$bin" ] || { echo "run.sh: $bin is not built (configure with clang, -DOVLCHECK_FUZZ=ON)" >&2; exit 2; }
  mkdir -p "$work/corpus/$h"
  log="$work/$h.log"
  # nice: the fuzzer shares the machine; -fork is not used so the counts below are one process's.
  set +e
  nice -n 10 "$bin" "$work/corpus/$h" "$work/seeds/$h" \
    -dict="$here/fdt.dict" -max_total_time="$seconds" -rss_limit_mb=512 -malloc_limit_mb=512 \
    -timeout="$(timeout_s "$h")" -max_len="$(max_len "$h")" -print_final_stats=1 \
    -artifact_prefix="$work/crashes/$h-" >"$log" 2>&1
  rc=$?
  set -e
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  edges=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo 0)
  echo "$h: exit $rc, $execs executions, $edges edges (log $log)"
  if [ "$rc" -ne 0 ]; then
    status=1
    grep -m3 -E 'ERROR|invariant broken|Test unit written' "$log" || true
  fi
done
exit "$status"
