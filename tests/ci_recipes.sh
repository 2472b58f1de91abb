#!/usr/bin/env bash
# Runs the `ovlcheck check` commands of docs/ci.md's jobs, as written, on testdata/ci/manifest.txt
# (in place of overlays/manifest.txt), and checks what the jobs rely on: the exit status (1 for
# the default --fail-on, since one seed overlay is refused; 0 with --fail-on never) and that each
# report validates (SARIF 2.1.0 schema, JUnit XSD). usage: ci_recipes.sh OVLCHECK SOURCE_DIR
set -euo pipefail
ovlcheck=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mapfile -t commands < <(sed -n -E 's/^[[:space:]]*(- )?(run: )?(ovlcheck check .*)$/\3/p' "$src/docs/ci.md")
[ "${#commands[@]}" -ge 4 ] || { echo "expected at least 4 ovlcheck check commands in docs/ci.md, found ${#commands[@]}"; exit 1; }

for command in "${commands[@]}"; do
  read -r -a words <<<"${command//overlays\/manifest.txt/$src/testdata/ci/manifest.txt}"
  words[0]=$ovlcheck
  expected=1
  [[ " ${words[*]} " == *" --fail-on never "* ]] && expected=0
  status=0
  (cd "$work" && "${words[@]}" >"$work/stdout" 2>"$work/stderr") || status=$?
  if [ "$status" -ne "$expected" ]; then
    echo "FAIL: '$command' exited $status, expected $expected"; cat "$work/stderr"; exit 1
  fi
  for ((i = 0; i < ${#words[@]}; i++)); do [ "${words[$i]}" = -o ] && out=$work/${words[$((i + 1))]}; done
  case $out in
    *.sarif) python3 "$src/tests/tools/validate_json.py" "$src/tests/schemas/sarif-schema-2.1.0.json" "$out" >/dev/null ||
               { echo "FAIL: '$command': invalid SARIF"; exit 1; }
             grep -q '"ruleId": "unresolved-label"' "$out" || { echo "FAIL: '$command': no unresolved-label result"; exit 1; } ;;
    *.xml) xmllint --noout --schema "$src/tests/schemas/junit-10.xsd" "$out" 2>/dev/null ||
             { echo "FAIL: '$command': invalid JUnit"; exit 1; }
           grep -q '<testsuite name=".*board.dtb (kernel 6.12)"' "$out" || { echo "FAIL: '$command': no suite"; exit 1; } ;;
    *) echo "FAIL: '$command': no -o report"; exit 1 ;;
  esac
  echo "ok: $command"
done
