#!/usr/bin/env bash
# bench_links.sh - how long does `ovlcheck links` take over the shared corpus?
#
# Runs `ovlcheck links --json` once per case of ../shared/corpus/manifest.json (each base .dtb
# with its case's overlays, in order) and prints the total wall time. A benchmark, not a test:
# it never fails because something is slow. A run that exits 2 (could not run) is counted and
# its first stderr line printed.
#
# Run (from anywhere):  tests/bench/bench_links.sh
# Environment (optional):
#   OVLCHECK   ovlcheck binary (default <repo>/build/cli/ovlcheck)
#   CORPUS     corpus directory (default <repo>/../shared/corpus)
#   RUNS       passes over the corpus (default 3; the best total is printed too)
# Needs: bash >= 4, python3 (to read manifest.json).
set -euo pipefail
export LC_ALL=C

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
OVLCHECK=${OVLCHECK:-$REPO_ROOT/build/cli/ovlcheck}
CORPUS=${CORPUS:-$REPO_ROOT/../shared/corpus}
RUNS=${RUNS:-3}

die() { echo "bench: error: $*" >&2; exit 2; }
[[ -x $OVLCHECK && ! -d $OVLCHECK ]] || die "ovlcheck not built ($OVLCHECK)"
[[ -f $CORPUS/manifest.json ]] || die "no corpus manifest at $CORPUS/manifest.json"
[[ $RUNS =~ ^[0-9]+$ && $RUNS -gt 0 ]] || die "RUNS must be a positive integer (got '$RUNS')"
command -v python3 >/dev/null || die "python3 not found"

# One line per case: base, then its overlays, tab-separated, paths relative to the corpus.
mapfile -t CASES < <(python3 - "$CORPUS/manifest.json" <<'PY'
import json, sys
for c in json.load(open(sys.argv[1])):
    print("\t".join([c["base"]] + list(c.get("overlays", []))))
PY
)

if [[ -n ${EPOCHREALTIME:-} ]]; then
  now_us() { local t=$EPOCHREALTIME; echo $(( ${t%[.,]*} * 1000000 + 10#${t#*[.,]} )); }
else
  now_us() { echo $(( $(date +%s%N) / 1000 )); }
fi
fmt_s() { printf '%d.%04d' $(( $1 / 1000000 )) $(( ($1 % 1000000) / 100 )); }

errf=$(mktemp "${TMPDIR:-/tmp}/bench-links.XXXXXX")
trap 'rm -f "$errf"' EXIT

echo "bench: ovlcheck links over the corpus"
echo "bench: ovlcheck = $OVLCHECK"
echo "bench: corpus   = $CORPUS (${#CASES[@]} cases)"

best=-1
for ((run = 1; run <= RUNS; run++)); do
  failed=0 count=0
  t0=$(now_us)
  for line in "${CASES[@]}"; do
    IFS=$'\t' read -r -a parts <<<"$line"
    args=(--base "$CORPUS/${parts[0]}")
    for ovl in "${parts[@]:1}"; do args+=("$CORPUS/$ovl"); done
    rc=0
    "$OVLCHECK" links --json "${args[@]}" >/dev/null 2>"$errf" || rc=$?
    if ((rc == 2)); then
      failed=$((failed + 1))
      echo "bench: could not run on ${parts[0]}: $(head -n 1 "$errf")"
    fi
    count=$((count + 1))
  done
  t1=$(now_us)
  total=$((t1 - t0))
  if ((best < 0 || total < best)); then best=$total; fi
  echo "bench: pass $run: $count runs in $(fmt_s "$total") s wall ($failed could not run)"
done
echo "bench: total wall time, best of $RUNS passes: $(fmt_s "$best") s"
echo "bench: done"
