#!/usr/bin/env bash
# bench_apply.sh - how fast does `ovlcheck apply` merge an overlay into a base?
#
# Prints figures only; it is not a timed test and never fails because
# something is slow.  What it measures (wall clock, best of $RUNS runs):
#   1. base of BASE_NODES devices + overlay of FRAGMENTS fragments:
#        fdtoverlay -i base.dtb -o out.dtb ovl.dtbo
#        $OVLCHECK apply --base base.dtb -o out2.dtb ovl.dtbo
#      and the ratio fdtoverlay/ovlcheck;
#   2. a scaling series for ovlcheck alone, base sizes SCALE_NODES with the
#      overlay fixed at FRAGMENTS fragments, with time per base node so
#      (non-)linearity is visible.  fdtoverlay is run only on the first row
#      (it takes seconds on big trees) unless FDTOVERLAY_ALL=1.
# Each run's exit status is checked (a failing run prints FAILED and the first
# line of its stderr instead of a time) and each result .dtb is checked for the
# expected device/new-node/new-prop/__symbols__ counts.
# Inputs come from gen_tree.py next to this script, compiled with `dtc -@ -q`.
# Bases above DTC_MAX_NODES are written as .dtb by gen_tree.py directly (dtc
# 1.6's -@ is quadratic: ~90 s at 50,000 nodes); that writer is checked
# byte-for-byte against `dtc -@` on the first size on every run.
#
# Run (from anywhere):  tests/bench/bench_apply.sh
# Environment (all optional):
#   OVLCHECK       ovlcheck binary      (default <repo>/build/cli/ovlcheck)
#   WORK           work dir, kept       (default: mktemp -d, removed at exit
#                                         unless KEEP_WORK=1); inputs in a
#                                         reused WORK are regenerated only
#                                         when gen_tree.py changed
#   BASE_NODES     devices in base      (default 2000)
#   FRAGMENTS      overlay fragments    (default 1000)
#   SCALE_NODES    scaling base sizes   (default "2000 10000 25000 50000")
#   RUNS           runs per figure      (default 3, best is printed)
#   FDTOVERLAY_ALL 1 = fdtoverlay on every scaling row too
#   DTC_MAX_NODES  largest base compiled by dtc (default 10000)
#   BENCHES        benchmarks to run    (default "apply"; see bench_* below)
# Needs: bash >= 4, python3, dtc and fdtoverlay (Debian: device-tree-compiler).
set -euo pipefail
export LC_ALL=C

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
GEN=$SCRIPT_DIR/gen_tree.py

OVLCHECK=${OVLCHECK:-$REPO_ROOT/build/cli/ovlcheck}
BASE_NODES=${BASE_NODES:-2000}
FRAGMENTS=${FRAGMENTS:-1000}
SCALE_NODES=${SCALE_NODES:-"2000 10000 25000 50000"}
RUNS=${RUNS:-3}
FDTOVERLAY_ALL=${FDTOVERLAY_ALL:-0}
DTC_MAX_NODES=${DTC_MAX_NODES:-10000}
BENCHES=${BENCHES:-apply}

die() { echo "bench: error: $*" >&2; exit 2; }

for v in BASE_NODES FRAGMENTS RUNS DTC_MAX_NODES; do
  [[ ${!v} =~ ^[0-9]+$ && ${!v} -gt 0 ]] || die "$v must be a positive integer (got '${!v}')"
done
for n in $SCALE_NODES; do
  [[ $n =~ ^[0-9]+$ && $n -gt 0 ]] || die "SCALE_NODES must hold positive integers (got '$n')"
done
for tool in python3 dtc fdtoverlay; do
  command -v "$tool" >/dev/null || die "$tool not found (dtc/fdtoverlay: apt-get install device-tree-compiler)"
done

if [[ -n ${WORK:-} ]]; then
  mkdir -p "$WORK"
  WORK=$(cd "$WORK" && pwd)
  work_note="kept"
else
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/ovlcheck-bench.XXXXXX")
  if [[ ${KEEP_WORK:-0} == 1 ]]; then
    work_note="kept (KEEP_WORK=1)"
  else
    work_note="removed at exit; KEEP_WORK=1 keeps it"
    trap 'rm -rf "$WORK"' EXIT
  fi
fi

if [[ -x $OVLCHECK && ! -d $OVLCHECK ]]; then
  HAVE_OVLCHECK=1
  ovl_note=""
else
  HAVE_OVLCHECK=0
  ovl_note=" (not built)"
fi

# ---------------------------------------------------------------------------
# Helpers

# now_us: wall clock in microseconds ($EPOCHREALTIME, bash >= 5; else ms).
if [[ -n ${EPOCHREALTIME:-} ]]; then
  now_us() { local t=$EPOCHREALTIME; echo $(( ${t%[.,]*} * 1000000 + 10#${t#*[.,]} )); }
  clock_note="\$EPOCHREALTIME (us)"
else
  now_us() { echo $(( $(date +%s%N) / 1000 )); }
  clock_note='date +%s%N'
fi

fmt_s() { printf '%d.%04d' $(( $1 / 1000000 )) $(( ($1 % 1000000) / 100 )); }

# time_best RUNS CMD...: run CMD (stdout discarded) up to RUNS times.
# Sets T_US (best wall time, microseconds), T_RC (0, or the first failing
# run's exit status, after which it stops) and T_ERR (that run's first
# stderr line).
time_best() {
  local runs=$1 i t0 t1 rc errf=$WORK/stderr.last
  shift
  T_US=-1 T_RC=0 T_ERR=
  for ((i = 0; i < runs; i++)); do
    rc=0
    t0=$(now_us)
    "$@" >/dev/null 2>"$errf" || rc=$?
    t1=$(now_us)
    if ((rc != 0)); then
      T_RC=$rc
      T_ERR=$(head -n 1 "$errf")
      return 0
    fi
    if ((T_US < 0 || t1 - t0 < T_US)); then T_US=$((t1 - t0)); fi
  done
}

# make_inputs N M: generate and compile base (N devices) and overlay (M
# fragments) into $WORK/n<N>-m<M>/ and set IN_DIR, IN_HOW.
make_inputs() {
  local n=$1 m=$2
  IN_DIR=$WORK/n$n-m$m
  mkdir -p "$IN_DIR"
  local d=$IN_DIR
  if [[ -s $d/base.dtb && -s $d/ovl.dtbo && -s $d/how && $d/base.dtb -nt $GEN ]]; then
    IN_HOW=$(<"$d/how")
    return 0
  fi
  python3 "$GEN" --nodes "$n" --fragments "$m" --base "$d/base.dts" --overlay "$d/ovl.dts"
  dtc -@ -q -I dts -O dtb -o "$d/ovl.dtbo" "$d/ovl.dts"
  if ((n <= DTC_MAX_NODES)); then
    dtc -@ -q -I dts -O dtb -o "$d/base.dtb" "$d/base.dts"
    IN_HOW="dtc -@"
    # Keep the direct writer honest: it must match dtc -@ byte for byte.
    python3 "$GEN" --nodes "$n" --base-dtb "$d/base.py.dtb"
    if cmp -s "$d/base.dtb" "$d/base.py.dtb"; then
      IN_HOW+="; gen_tree.py --base-dtb identical"
    else
      IN_HOW+="; WARNING: gen_tree.py --base-dtb DIFFERS from dtc -@"
    fi
    rm -f "$d/base.py.dtb"
  else
    python3 "$GEN" --nodes "$n" --base-dtb "$d/base.dtb"
    IN_HOW="gen_tree.py --base-dtb"
  fi
  echo "$IN_HOW" >"$d/how"
}

fsize() { wc -c <"$1" | tr -d ' '; }

# Memoised measurements: key "<tool> <N> <M>" -> "us rc|err|check".
declare -A MEMO=()

# measure TOOL N M: time TOOL on the inputs for (N, M), check its output.
# Sets M_US, M_RC, M_ERR, M_CHECK.  TOOL is fdtoverlay or ovlcheck.
measure() {
  local tool=$1 n=$2 m=$3 key="$1 $2 $3" out
  if [[ -n ${MEMO[$key]:-} ]]; then
    IFS='|' read -r M_US M_RC M_ERR M_CHECK <<<"${MEMO[$key]}"
    return 0
  fi
  make_inputs "$n" "$m"
  case $tool in
    fdtoverlay)
      out=$IN_DIR/out.dtb
      rm -f "$out"
      time_best "$RUNS" fdtoverlay -i "$IN_DIR/base.dtb" -o "$out" "$IN_DIR/ovl.dtbo" ;;
    ovlcheck)
      out=$IN_DIR/out2.dtb
      rm -f "$out"
      time_best "$RUNS" "$OVLCHECK" apply --base "$IN_DIR/base.dtb" -o "$out" "$IN_DIR/ovl.dtbo" ;;
    *) die "measure: unknown tool $tool" ;;
  esac
  M_US=$T_US M_RC=$T_RC M_ERR=${T_ERR//|/\/}
  if ((M_RC == 0)); then
    M_CHECK=$(python3 "$GEN" --nodes "$n" --fragments "$m" --check-applied "$out" || true)
  else
    M_CHECK=
  fi
  MEMO[$key]="$M_US|$M_RC|$M_ERR|$M_CHECK"
}

# status_text: "ok" or "FAILED (exit N): <first stderr line>" for the last measure.
status_text() {
  if ((M_RC == 0)); then echo ok; else echo "FAILED (exit $M_RC): ${M_ERR:-<no stderr>}"; fi
}

# ---------------------------------------------------------------------------
# Benchmarks.  Each is a function bench_<name>; BENCHES lists which run, in
# order.  To add one (e.g. for `ovlcheck remove`): write bench_remove using
# make_inputs / time_best (or measure, extended with a new tool case) and
# print its own section, then add "remove" to the BENCHES default above.

bench_apply_compare() {
  local n=$BASE_NODES m=$FRAGMENTS plan f_us=-1 o_us=-1
  plan=$(python3 "$GEN" --nodes "$n" --fragments "$m" --print-plan)
  echo
  echo "== apply: base $n devices, overlay $m fragments (${plan% *} modify, ${plan#* } add) =="
  make_inputs "$n" "$m"
  echo "inputs: base.dtb $(fsize "$IN_DIR/base.dtb") bytes ($IN_HOW), ovl.dtbo $(fsize "$IN_DIR/ovl.dtbo") bytes (dtc -@)"
  printf '%-11s %10s  %s\n' tool best_s "status / output check"

  measure fdtoverlay "$n" "$m"
  if ((M_RC == 0)); then
    f_us=$M_US
    printf "%-11s %10s  exit 0; output %s\n" fdtoverlay "$(fmt_s "$M_US")" "$M_CHECK"
  else
    printf '%-11s %10s  %s\n' fdtoverlay - "$(status_text)"
  fi

  if ((HAVE_OVLCHECK)); then
    measure ovlcheck "$n" "$m"
    if ((M_RC == 0)); then
      o_us=$M_US
      printf "%-11s %10s  exit 0; output %s\n" ovlcheck "$(fmt_s "$M_US")" "$M_CHECK"
    else
      printf '%-11s %10s  %s\n' ovlcheck - "$(status_text)"
    fi
  else
    echo "ovlcheck: not built ($OVLCHECK)"
  fi

  if ((f_us >= 0 && o_us > 0)); then
    awk -v f="$f_us" -v o="$o_us" 'BEGIN { printf "ratio fdtoverlay/ovlcheck: %.1fx\n", f / o }'
  else
    echo "ratio fdtoverlay/ovlcheck: n/a"
  fi
}

bench_apply_scaling() {
  local m=$FRAGMENTS n first=1 o_col per_col f_col st
  echo
  echo "== apply scaling: ovlcheck, overlay fixed at $m fragments =="
  ((HAVE_OVLCHECK)) || echo "ovlcheck: not built ($OVLCHECK)"
  printf '%10s %11s %11s %13s %13s  %s\n' base_nodes base_bytes ovlcheck_s us/base_node fdtoverlay_s "ovlcheck status / output check"
  for n in $SCALE_NODES; do
    make_inputs "$n" "$m"
    o_col="not built" per_col=- st=-
    if ((HAVE_OVLCHECK)); then
      measure ovlcheck "$n" "$m"
      if ((M_RC == 0)); then
        o_col=$(fmt_s "$M_US")
        per_col=$(awk -v t="$M_US" -v n="$n" 'BEGIN { printf "%.3f", t / n }')
        st="exit 0; output $M_CHECK"
      else
        o_col=FAILED
        st=$(status_text)
      fi
    fi
    if ((first)) || [[ $FDTOVERLAY_ALL == 1 ]]; then
      measure fdtoverlay "$n" "$m"
      if ((M_RC == 0)); then f_col=$(fmt_s "$M_US"); else f_col=FAILED; fi
    else
      f_col=skipped
    fi
    printf '%10s %11s %11s %13s %13s  %s\n' "$n" "$(fsize "$IN_DIR/base.dtb")" "$o_col" "$per_col" "$f_col" "$st"
    first=0
  done
}

bench_apply() {
  bench_apply_compare
  bench_apply_scaling
}

# bench_remove() {   # hook for `ovlcheck remove` (not implemented yet)
#   echo; echo "== remove: ... =="
#   make_inputs "$BASE_NODES" "$FRAGMENTS"
#   time_best "$RUNS" "$OVLCHECK" remove ...
# }

# ---------------------------------------------------------------------------

echo "bench: ovlcheck apply benchmark"
echo "bench: ovlcheck   = $OVLCHECK$ovl_note"
echo "bench: fdtoverlay = $(command -v fdtoverlay) ($(dtc --version 2>/dev/null | head -n 1))"
echo "bench: work dir   = $WORK ($work_note)"
echo "bench: best of $RUNS runs, wall clock via $clock_note; times in seconds"

for b in $BENCHES; do
  declare -F "bench_$b" >/dev/null || die "unknown benchmark '$b' (no function bench_$b)"
  "bench_$b"
done

echo
echo "bench: done"
