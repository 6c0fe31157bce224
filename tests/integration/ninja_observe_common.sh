# Sourced by the ninja_observe_*.sh tests: steps without a tool model (links,
# generators, archives, scripts) are cached only with their observed read and
# write sets. CTest runs them through edgecache_script_tests (programs in
# $EDGECACHE_NINJA_BIN, $EDGECACHE_SOURCE_DIR; by hand: pass
# <edgecache-ninja> <examples/ninja_demo>). Each writes a small build.ninja
# (or CMake project) into $P, with a private cache (ninja_wrapper_common.sh).
# shellcheck source=ninja_wrapper_common.sh
source "$(dirname "${BASH_SOURCE[0]}")/ninja_wrapper_common.sh"
P=$WORK/p
mkdir -p "$P"

# wbuild <dir> [ninja args...]: edgecache-ninja in <dir>; output in $WORK/last.log.
wbuild() {
  local dir=$1
  shift
  "$WRAPPER" -C "$dir" "$@" >"$WORK/last.log" 2>&1 || { cat "$WORK/last.log" >&2; fail "edgecache-ninja in $dir failed"; }
}

# edge_result <dir> <output>: "<outcome> <reason> <detail>" of the edge writing <output> in the last run.
edge_result() {
  python3 - "$1/.edgecache/last-run.json" "$2" <<'PY'
import json, sys
for edge in json.load(open(sys.argv[1]))["edges"]:
    if edge.get("output") == sys.argv[2]:
        print(edge.get("result", ""), edge.get("reason", ""), edge.get("detail", ""))
PY
}

# expect_result <dir> <output> <text>: that edge's outcome/reason/detail contains <text>.
expect_result() {
  local got
  got=$(edge_result "$1" "$2")
  case "$got" in *"$3"*) ;; *) cat "$WORK/last.log" >&2; fail "$2: '$got', expected '$3'" ;; esac
}

# run_app: the exit status of $P/app, which the link tests make return a number.
run_app() { "$P/app" && echo 0 || echo $?; }
