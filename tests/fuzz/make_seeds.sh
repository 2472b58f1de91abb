#!/usr/bin/env bash
# make_seeds.sh OUT: seed corpora for the harnesses, one folder per harness under OUT, from the
# repository's testdata/ and the shared corpus (../shared/corpus beside the checkout, or
# $OVLCHECK_CORPUS). Blobs are taken as they are; .dts sources are compiled with dtc -@.
# Inputs of the apply and lifecycle harnesses are blobs laid end to end: base, then overlays.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
corpus="${OVLCHECK_CORPUS:-$repo/../shared/corpus}"
out="${1:?usage: make_seeds.sh OUT}"
max_blob=16384       # larger blobs only slow the fuzzer down; the limits bench covers size
max_lifecycle=16384  # "small trees" for the lifecycle harness

mkdir -p "$out"/{blob_load,apply,lifecycle,text_inputs,rpi_prepare}
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
n=0
compile() {  # compile SOURCE -> prints the blob's path, nothing when dtc refuses it
  n=$((n + 1))
  if dtc -q -@ -I dts -O dtb -o "$work/$n.dtb" "$1" 2>/dev/null; then echo "$work/$n.dtb"; fi
}
small() { [ "$(stat -c %s "$1")" -le "$2" ]; }
seed() {  # seed HARNESS FILE... -> one seed, the files concatenated, named by content
  local harness=$1; shift
  cat "$@" >"$work/seed"
  mv "$work/seed" "$out/$harness/$(sha1sum "$work/seed" | cut -c1-16)"
}

# 1. Every blob and compilable source, alone.
while IFS= read -r -d '' f; do
  case "$f" in *.dts|*.dtso) f="$(compile "$f")"; [ -n "$f" ] || continue ;; esac
  if small "$f" "$max_blob"; then seed blob_load "$f"; fi
done < <(find "$repo/testdata" "$corpus" -type f \( -name '*.dtb' -o -name '*.dtbo' -o -name '*.dts' -o -name '*.dtso' \) -print0)

# 2. Scenarios of testdata/: a base.dts with the overlays beside it (all of them, and each alone).
for dir in "$repo"/testdata/lifecycle/*/ "$repo"/testdata/links/*/; do
  base="$(compile "$dir/base.dts")"; [ -n "$base" ] || continue
  overlays=()
  for o in "$dir"/*.dts; do
    case "$(basename "$o")" in base.dts|oracle-base.dts) continue ;; esac
    b="$(compile "$o")"; [ -n "$b" ] && overlays+=("$b")
  done
  [ ${#overlays[@]} -gt 0 ] || continue
  for o in "${overlays[@]}"; do seed apply "$base" "$o"; seed lifecycle "$base" "$o"; done
  seed lifecycle "$base" "${overlays[@]:0:3}"
done
board="$repo/testdata/seed/board.dtb"
for o in "$repo"/testdata/seed/*.dtbo; do seed apply "$board" "$o"; seed lifecycle "$board" "$o"; done

# 3. The shared corpus: its manifest's base + overlays pairs, and the kernel unittest overlays
#    on their static base.
if [ -f "$corpus/manifest.json" ]; then
  python3 - "$corpus" <<'PY' >"$work/pairs"
import json, sys
for entry in json.load(open(sys.argv[1] + "/manifest.json")):
    if entry.get("base") and entry.get("overlays"):
        print("\t".join([entry["base"]] + entry["overlays"]))
PY
  while IFS=$'\t' read -r -a files; do
    paths=(); for f in "${files[@]}"; do paths+=("$corpus/$f"); done
    [ -f "${paths[0]}" ] || continue
    total=$(cat "${paths[@]}" | wc -c)
    if [ "$total" -le $((2 * max_blob)) ]; then seed apply "${paths[0]}" "${paths[1]}"; fi
    if [ "$total" -le "$max_lifecycle" ]; then seed lifecycle "${paths[@]:0:4}"; fi
  done <"$work/pairs"
fi
unittest="$corpus/kernel-unittest"
if [ -f "$unittest/static_base_1.dtb" ]; then
  for o in "$unittest"/overlay*.dtbo; do
    if [ $(cat "$unittest/static_base_1.dtb" "$o" | wc -c) -le $((2 * max_blob)) ]; then
      seed apply "$unittest/static_base_1.dtb" "$o"
    fi
    if small "$o" "$max_lifecycle"; then seed lifecycle "$unittest/static_base_1.dtb" "$o"; fi
  done
fi

# 4. Text inputs: the first byte picks the surface (see fuzz_text_inputs.cpp).
text() { printf '%b' "$1" >"$work/seed"; mv "$work/seed" "$out/text_inputs/$(sha1sum "$work/seed" | cut -c1-16)"; }
for v in 6.12 6.1 6.1.85 v5.10.215 5.9 6.9-rc3 6.6+ 4.19 7.0 6.1.999999999999 x; do text "\\x00$v"; done
for o in "" 1 2,1 "3+1,2" "1+2+3" 0 "1,,2" 9; do text "\\x01\\x03$o"; done
for f in "$repo"/testdata/lifecycle/DRIVERS*.txt; do { printf '\x02'; cat "$f"; } >"$work/seed"; \
  mv "$work/seed" "$out/text_inputs/$(sha1sum "$work/seed" | cut -c1-16)"; done
text '\x02fixed-clock\n# comment\n  simple-bus  \r\n\tgpio-leds # trailing\n'
# manifests (\x03, then \x00 for a .json name, \x01 for .txt): the repository's, and small ones
# in both formats with stacks, kernels and comments.
for f in "$repo"/testdata/ci/manifest.txt; do { printf '\x03\x01'; cat "$f"; } >"$work/seed"; \
  mv "$work/seed" "$out/text_inputs/$(sha1sum "$work/seed" | cut -c1-16)"; done
text '\x03\x00[{"base": "b.dtb", "overlays": ["a.dtbo", "c.dts"], "kernels": ["6.1", "6.12"], "name": "x"}]'
text '\x03\x00{"cases": [{"base": "live", "overlays": []}, {"base": "sub/b.dtb", "overlay": ["o.dtbo"]}]}'
text '\x03\x01b.dtb a.dtbo c.dtbo kernel=6.1,6.12 # stack\n\n# only a comment\nlive-tree x.dtso\n'
# .dts sources (\x04): the small ones of testdata/, and one that needs cpp.
while IFS= read -r -d '' f; do
  if small "$f" 4000; then { printf '\x04'; cat "$f"; } >"$work/seed"; \
    mv "$work/seed" "$out/text_inputs/$(sha1sum "$work/seed" | cut -c1-16)"; fi
done < <(find "$repo/testdata/links" "$repo/testdata/lifecycle/v-cycles" -name '*.dts' ! -name 'oracle-base.dts' -print0)
text '\x04#include <dt-bindings/gpio/gpio.h>\n/dts-v1/;\n/ { };\n'
# 5. Raspberry Pi overlays with their parameters: every case of testdata/rpi/cases.txt (the
#    overlay blob, then the parameters as on a config.txt line, comma-separated).
while read -r case overlay params; do
  case "$case" in ''|'#'*) continue ;; esac
  blob="$repo/testdata/rpi/overlays/$overlay.dtbo"
  [ -f "$blob" ] || continue
  { cat "$blob"; printf '%s' "$(echo $params | tr ' ' ',')"; } >"$work/seed"
  mv "$work/seed" "$out/rpi_prepare/$(sha1sum "$work/seed" | cut -c1-16)"
done <"$repo/testdata/rpi/cases.txt"
for h in blob_load apply lifecycle text_inputs rpi_prepare; do echo "$h: $(ls "$out/$h" | wc -l) seeds"; done
