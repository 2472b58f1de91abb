#!/usr/bin/env bash
# bench_check.sh - is `ovlcheck check` on the whole corpus faster than fdtoverlay alone?
#
# Prints figures only; it is not a timed test and never fails because something is slow.
# The cases: every case of ../shared/corpus/manifest.json that has overlays (Debian pairs,
# kernel unittest and dtc cases; the operation sequences have none and are left out).
#   fdtoverlay:  `fdtoverlay -i BASE -o OUT OVERLAY...` once per case (what CI would run to merely
#                apply them; a refused case counts too, as it costs the same run);
#   ovlcheck:    one `ovlcheck check --manifest M --format F -o OUT` over the same cases, for each
#                format, with the default --jobs and with --jobs 1, and --no-lifecycle too
#                (apply, devices and links only: the same work fdtoverlay does, plus the model).
# Wall clock, best of RUNS runs each. The check outputs are validated once (the SARIF schema).
#
# Run (from anywhere, after a build):  tests/bench/bench_check.sh
# Environment (optional): OVLCHECK (default <repo>/build/cli/ovlcheck), CORPUS (default
# <repo>/../shared/corpus), RUNS (default 3).
# Needs: bash >= 4, bc, python3 (+ python3-jsonschema), fdtoverlay (Debian: device-tree-compiler).
set -euo pipefail
export LC_ALL=C

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/../.." && pwd)
OVLCHECK=${OVLCHECK:-$REPO/build/cli/ovlcheck}
CORPUS=${CORPUS:-$REPO/../shared/corpus}
RUNS=${RUNS:-3}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# The cases with overlays, as a check manifest (absolute paths), and as fdtoverlay argument lists.
python3 - "$CORPUS" "$WORK" <<'PY'
import json, os, sys
corpus, work = sys.argv[1], sys.argv[2]
cases = [c for c in json.load(open(os.path.join(corpus, "manifest.json"))) if c["overlays"]]
manifest = [{"name": c["name"], "base": os.path.join(corpus, c["base"]),
             "overlays": [os.path.join(corpus, o) for o in c["overlays"]]} for c in cases]
json.dump(manifest, open(os.path.join(work, "manifest.json"), "w"))
with open(os.path.join(work, "fdtoverlay.args"), "w") as f:
    for c in manifest:
        f.write("\t".join([c["base"]] + c["overlays"]) + "\n")
PY
cases=$(wc -l <"$WORK/fdtoverlay.args")

now() { date +%s.%N; }
best() {  # best RUNS-time of the command "$@" (its exit status ignored: 1 means findings)
  local best_time="" start end t
  for ((r = 0; r < RUNS; r++)); do
    start=$(now)
    "$@" >/dev/null 2>&1 || true
    end=$(now)
    t=$(echo "$end - $start" | bc -l)
    if [ -z "$best_time" ] || (($(echo "$t < $best_time" | bc -l))); then best_time=$t; fi
  done
  printf "%.3f" "$best_time"
}

fdtoverlay_all() {
  while IFS=$'\t' read -r -a files; do
    fdtoverlay -i "${files[0]}" -o "$WORK/out.dtb" "${files[@]:1}" 2>/dev/null || true
  done <"$WORK/fdtoverlay.args"
}

echo "corpus: $CORPUS, $cases cases with overlays; best of $RUNS runs, wall clock; $(nproc) cores"
t_fdt=$(best fdtoverlay_all)
printf "%-48s %8s s\n" "fdtoverlay, once per case" "$t_fdt"
for format in sarif junit json text; do
  for jobs in default 1; do
    args=(check --manifest "$WORK/manifest.json" --format "$format" -o "$WORK/out.$format")
    [ "$jobs" = 1 ] && args+=(--jobs 1)
    t=$(best "$OVLCHECK" "${args[@]}")
    printf "%-48s %8s s   (fdtoverlay / ovlcheck = %.1f)\n" "ovlcheck check --format $format --jobs $jobs" "$t" \
      "$(echo "$t_fdt / $t" | bc -l)"
  done
done
t=$(best "$OVLCHECK" check --manifest "$WORK/manifest.json" --format sarif -o "$WORK/out.sarif" --no-lifecycle)
printf "%-48s %8s s   (fdtoverlay / ovlcheck = %.1f)\n" "ovlcheck check --format sarif --no-lifecycle" "$t" \
  "$(echo "$t_fdt / $t" | bc -l)"
"$OVLCHECK" check --manifest "$WORK/manifest.json" --format sarif -o "$WORK/out.sarif" >/dev/null 2>&1 || true
python3 "$REPO/tests/tools/validate_json.py" "$REPO/tests/schemas/sarif-schema-2.1.0.json" "$WORK/out.sarif" |
  sed 's/^/SARIF output: /'
