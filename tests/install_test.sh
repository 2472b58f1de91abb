#!/usr/bin/env bash
# `cmake --install` puts the binary, the man page and the bash completion in place, and each
# works from there. usage: install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
src=$2
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
"$prefix/bin/ovlcheck" --version | grep -q '^ovlcheck [0-9]' || { echo "FAIL: installed binary"; exit 1; }
"$prefix/bin/ovlcheck" check --base "$src/testdata/seed/board.dtb" "$src/testdata/seed/enable-i2c.dtbo" >/dev/null ||
  { echo "FAIL: installed binary cannot check"; exit 1; }
man_page=$prefix/share/man/man1/ovlcheck.1
[ -f "$man_page" ] || { echo "FAIL: no man page"; exit 1; }
# The page must render without troff warnings and document every command and check's options.
rendered=$(LC_ALL=C.UTF-8 MANWIDTH=100 man --warnings -l "$man_page" 2>"$prefix/man-warnings")
[ ! -s "$prefix/man-warnings" ] || { echo "FAIL: man warnings:"; cat "$prefix/man-warnings"; exit 1; }
for word in "ovlcheck apply" "ovlcheck remove" "ovlcheck links" "ovlcheck check" --manifest --fail-on --jobs \
            --sysroot live-tree "EXIT STATUS"; do
  grep -q -- "$word" <<<"$rendered" || { echo "FAIL: man page lacks '$word'"; exit 1; }
done
completion=$prefix/share/bash-completion/completions/ovlcheck
[ -f "$completion" ] || { echo "FAIL: no completion"; exit 1; }
got=$(bash -c 'source "$1"; COMP_WORDS=(ovlcheck check --format j); COMP_CWORD=3; _ovlcheck; echo "${COMPREPLY[*]}"' _ "$completion")
[ "$got" = "json junit" ] || { echo "FAIL: completion of --format j gave '$got'"; exit 1; }
got=$(bash -c 'source "$1"; COMP_WORDS=(ovlcheck ch); COMP_CWORD=1; _ovlcheck; echo "${COMPREPLY[*]}"' _ "$completion")
[ "$got" = "check" ] || { echo "FAIL: completion of the command gave '$got'"; exit 1; }
echo "ok: binary, man page, completion installed under $prefix"
