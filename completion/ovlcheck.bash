# bash completion for ovlcheck (installed to share/bash-completion/completions/ovlcheck).
# Self-contained: needs nothing from the bash-completion package.
_ovlcheck_files() {  # directories, and files with one of the extensions given
  local cur=$1 ext
  shift
  COMPREPLY+=($(compgen -d -- "$cur"))
  for ext in "$@"; do COMPREPLY+=($(compgen -f -X "!*.$ext" -- "$cur")); done
}

_ovlcheck() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
  local common="--base -i --kernel --drivers --json -I --include --sysroot --dtoverlay --help"
  COMPREPLY=()
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W "apply remove links prepare check --help --version" -- "$cur"))
    return
  fi
  case $prev in
    --base|-i) COMPREPLY=($(compgen -W "live live-tree" -- "$cur")); _ovlcheck_files "$cur" dtb dts; return ;;
    --drivers) COMPREPLY=($(compgen -W "none" -- "$cur") $(compgen -f -- "$cur")); return ;;
    --manifest|-o|--output) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    -I|--include|--sysroot) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    --format) COMPREPLY=($(compgen -W "text json junit sarif" -- "$cur")); return ;;
    --fail-on) COMPREPLY=($(compgen -W "error warning never" -- "$cur")); return ;;
    --kernel) COMPREPLY=($(compgen -W "5.10 5.15 6.1 6.6 6.12" -- "$cur")); return ;;
    --jobs|-j|--order) return ;;
  esac
  local options
  case ${COMP_WORDS[1]} in
    apply) options="$common -o --output" ;;
    remove) options="$common --order --trace --explore" ;;
    links) options="$common --dot" ;;
    prepare) options="-o --output --json --help" ;;
    check) options="--base -i --manifest --kernel --drivers --format -o --output --fail-on --jobs -j --lifecycle
                    --no-lifecycle -I --include --sysroot --dtoverlay --help" ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$options" -- "$cur"))
  else
    _ovlcheck_files "$cur" dtbo dts dtso
  fi
}
complete -F _ovlcheck ovlcheck
