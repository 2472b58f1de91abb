#!/usr/bin/env bash
# bench_remove.sh - how fast is `ovlcheck remove` on a big removal?
#
# Prints figures only; it is not a timed test and never fails because
# something is slow.  Inputs:
#   base:    gen_tree.py --nodes BASE_NODES --base-dtb (written directly: dtc
#            1.6's -@ is quadratic, see bench_apply.sh), populated simple-bus
#            nodes labelled bus_K;
#   overlay: gen_lifecycle.py --devices DEVICES --cluster CLUSTER (compiled
#            with `dtc -@ -q`): fixed-clock providers and consumers, each
#            consumer referencing every provider of its cluster; defaults give
#            1,000 devices, 2,000 `clocks` references, 2,000 device links.
# Wall clock, best of $RUNS runs, of
#   1. ovlcheck remove --json            (apply + both removal replays)
#   2. ovlcheck remove --json --explore  (plus the worst-case replay)
#   3. ovlcheck links --json             (devices and links after the overlay)
#   (and ovlcheck apply --json for scale).
# Checks: exit statuses (remove: 1 for a kernel without the barrier, 0 with;
# links/apply: 0) and, from the JSON, the number of unbalanced nodes (every
# overlay device node without the barrier, none with it), of links and of
# explore groups (one per cluster).
#
# Run (from anywhere):  tests/bench/bench_remove.sh
# Environment (all optional):
#   OVLCHECK     ovlcheck binary  (default <repo>/build/cli/ovlcheck)
#   WORK         work dir, kept   (default: mktemp -d, removed at exit unless
#                                  KEEP_WORK=1)
#   BASE_NODES   base devices     (default 50000)
#   DEVICES      overlay devices  (default 1000)
#   CLUSTER      providers (= consumers) per cluster (default 4)
#   KERNEL       --kernel         (default 6.1: no barrier, exit 1)
#   RUNS         runs per figure  (default 3, best is printed)
#   PROFILE      1 = also `perf record` one remove run and print the top
#                symbols (needs perf)
# Needs: bash >= 4, python3, dtc.
set -euo pipefail
export LC_ALL=C

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
GEN_TREE=$SCRIPT_DIR/gen_tree.py
GEN_LC=$SCRIPT_DIR/gen_lifecycle.py

OVLCHECK=${OVLCHECK:-$REPO_ROOT/build/cli/ovlcheck}
BASE_NODES=${BASE_NODES:-50000}
DEVICES=${DEVICES:-1000}
CLUSTER=${CLUSTER:-4}
KERNEL=${KERNEL:-6.1}
RUNS=${RUNS:-3}
PROFILE=${PROFILE:-0}

die() { echo "bench: error: $*" >&2; exit 2; }

for v in BASE_NODES DEVICES CLUSTER RUNS; do
  [[ ${!v} =~ ^[0-9]+$ && ${!v} -gt 0 ]] || die "$v must be a positive integer (got '${!v}')"
done
for tool in python3 dtc; do
  command -v "$tool" >/dev/null || die "$tool not found (dtc: apt-get install device-tree-compiler)"
done
[[ -x $OVLCHECK && ! -d $OVLCHECK ]] || die "ovlcheck not built ($OVLCHECK)"

if [[ -n ${WORK:-} ]]; then
  mkdir -p "$WORK"
  WORK=$(cd "$WORK" && pwd)
  work_note="kept"
else
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/ovlcheck-bench-remove.XXXXXX")
  if [[ ${KEEP_WORK:-0} == 1 ]]; then
    work_note="kept (KEEP_WORK=1)"
  else
    work_note="removed at exit; KEEP_WORK=1 keeps it"
    trap 'rm -rf "$WORK"' EXIT
  fi
fi

if [[ -n ${EPOCHREALTIME:-} ]]; then
  now_us() { local t=$EPOCHREALTIME; echo $(( ${t%[.,]*} * 1000000 + 10#${t#*[.,]} )); }
else
  now_us() { echo $(( $(date +%s%N) / 1000 )); }
fi
fmt_s() { printf '%d.%04d' $(( $1 / 1000000 )) $(( ($1 % 1000000) / 100 )); }

# time_best RUNS OUT CMD...: run CMD up to RUNS times, stdout to OUT.  Sets
# T_US (best wall time, us) and T_RC (exit status of the last run; every run
# must exit the same way, otherwise T_RC is "varies").
time_best() {
  local runs=$1 out=$2 i t0 t1 rc first_rc=
  shift 2
  T_US=-1 T_RC=
  for ((i = 0; i < runs; i++)); do
    rc=0
    t0=$(now_us)
    "$@" >"$out" 2>"$WORK/stderr.last" || rc=$?
    t1=$(now_us)
    if [[ -z $first_rc ]]; then first_rc=$rc; elif [[ $rc != "$first_rc" ]]; then first_rc=varies; fi
    if ((T_US < 0 || t1 - t0 < T_US)); then T_US=$((t1 - t0)); fi
  done
  T_RC=$first_rc
}

FAILS=0
# verdict WHAT GOT WANT
verdict() {
  if [[ $2 == "$3" ]]; then
    printf '  %-44s %s\n' "$1" "ok ($2)"
  else
    printf '  %-44s %s\n' "$1" "MISMATCH: got $2, expected $3"
    FAILS=$((FAILS + 1))
  fi
}

# ---------------------------------------------------------------------------
IN=$WORK/n$BASE_NODES-d$DEVICES-c$CLUSTER
mkdir -p "$IN"
read -r n_dev n_refs n_links < <(python3 "$GEN_LC" --devices "$DEVICES" --cluster "$CLUSTER" --print-expect)
n_clusters=$((DEVICES / (2 * CLUSTER)))
if [[ ! -s $IN/base.dtb || $IN/base.dtb -ot $GEN_TREE ]]; then
  python3 "$GEN_TREE" --nodes "$BASE_NODES" --base-dtb "$IN/base.dtb"
fi
python3 "$GEN_LC" --devices "$DEVICES" --cluster "$CLUSTER" --overlay "$IN/ovl.dts"
dtc -@ -q -I dts -O dtb -o "$IN/ovl.dtbo" "$IN/ovl.dts"

# Without the barrier every overlay node is unbalanced (1 error line each).
"$OVLCHECK" remove --json --kernel "$KERNEL" --base "$IN/base.dtb" "$IN/ovl.dtbo" >"$IN/probe.json" 2>"$WORK/stderr.last" || true
has_barrier=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(1 if d["runs"][1]["matches_kernel"] else 0)' "$IN/probe.json" 2>/dev/null) ||
  die "ovlcheck remove did not produce JSON: $(head -n 1 "$WORK/stderr.last")"
if ((has_barrier)); then want_rc=0; else want_rc=1; fi

echo "bench: ovlcheck remove benchmark"
echo "bench: ovlcheck = $OVLCHECK"
echo "bench: work dir = $WORK ($work_note)"
echo "bench: best of $RUNS runs, wall clock; times in seconds"
echo
echo "== remove: base $BASE_NODES devices; overlay $n_dev devices ($n_clusters clusters of $CLUSTER+$CLUSTER), $n_refs clocks references, $n_links links; --kernel $KERNEL =="
echo "inputs: base.dtb $(wc -c <"$IN/base.dtb") bytes (gen_tree.py --base-dtb), ovl.dtbo $(wc -c <"$IN/ovl.dtbo") bytes (dtc -@)"
printf '%-34s %10s  %s\n' command best_s "exit status / checks"

check_json() {  # check_json FILE PYTHON-EXPR -> prints the value
  python3 - "$1" "$2" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
print(eval(sys.argv[2], {"d": d, "len": len}))
EOF
}

row() {  # row LABEL WANT_RC OUT CMD...
  local label=$1 want=$2 out=$3
  shift 3
  time_best "$RUNS" "$out" "$@"
  local st="exit $T_RC"
  if [[ $T_RC != "$want" ]]; then
    st="FAILED: exit $T_RC, expected $want: $(head -n 1 "$WORK/stderr.last")"
    FAILS=$((FAILS + 1))
  fi
  printf '%-34s %10s  %s\n' "$label" "$(fmt_s "$T_US")" "$st"
}

row "ovlcheck apply" 0 "$IN/apply.json" \
  "$OVLCHECK" apply --json --kernel "$KERNEL" --base "$IN/base.dtb" "$IN/ovl.dtbo"
row "ovlcheck remove (both runs)" "$want_rc" "$IN/remove.json" \
  "$OVLCHECK" remove --json --kernel "$KERNEL" --base "$IN/base.dtb" "$IN/ovl.dtbo"
row "ovlcheck remove --explore" "$want_rc" "$IN/explore.json" \
  "$OVLCHECK" remove --json --explore --kernel "$KERNEL" --base "$IN/base.dtb" "$IN/ovl.dtbo"
row "ovlcheck links" 0 "$IN/links.json" \
  "$OVLCHECK" links --json --kernel "$KERNEL" --base "$IN/base.dtb" "$IN/ovl.dtbo"

echo
echo "checks:"
verdict "remove: links created by the overlay" "$(check_json "$IN/remove.json" 'len(d["apply"][0]["links"])')" "$n_links"
verdict "remove: devices created by the overlay" "$(check_json "$IN/remove.json" 'len(d["apply"][0]["devices"])')" "$n_dev"
verdict "remove: unbalanced without the barrier" "$(check_json "$IN/remove.json" 'len(d["runs"][0]["unbalanced"])')" "$n_dev"
verdict "remove: unbalanced with the barrier" "$(check_json "$IN/remove.json" 'len(d["runs"][1]["unbalanced"])')" 0
verdict "remove: error lines without the barrier" "$(check_json "$IN/remove.json" 'len([m for m in d["runs"][0]["messages"] if m["level"] == "error"])')" $((2 * n_dev))
verdict "explore: groups (one per cluster)" "$(check_json "$IN/explore.json" 'len(d["explore"]["groups"])')" "$n_clusters"
echo "  explore: outcome_count $(check_json "$IN/explore.json" 'd["explore"]["outcome_count"]'), truncated groups $(check_json "$IN/explore.json" 'sum(1 for g in d["explore"]["groups"] if g["truncated"])')"

if [[ $PROFILE == 1 ]]; then
  echo
  if command -v perf >/dev/null; then
    echo "== perf: ovlcheck remove (self time, top symbols) =="
    perf record -q -o "$WORK/perf.data" -- "$OVLCHECK" remove --json --kernel "$KERNEL" --base "$IN/base.dtb" "$IN/ovl.dtbo" >/dev/null 2>&1 || true
    perf report -i "$WORK/perf.data" --no-children --stdio --percent-limit 2 2>/dev/null | grep -E '^ +[0-9]' | head -15 || true
  else
    echo "perf not found; try: valgrind --tool=callgrind $OVLCHECK remove ..."
  fi
fi

echo
if ((FAILS)); then echo "bench: done, $FAILS check(s) FAILED"; exit 1; fi
echo "bench: done"
